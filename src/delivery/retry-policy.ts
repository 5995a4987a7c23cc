// When a failed chunk is tried again: the destination's retryCount, retryInterval and backoff, and the receiver's Retry-After.

import type { RetryBackoff } from '../domain/retry-backoff.ts';

/** The longest wait a receiver's Retry-After can ask for: a longer one is waited for this long. */
export const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;
/** The longest wait exponential backoff grows to. */
export const MAX_BACKOFF_MS = 60 * 60 * 1000;

/** Statuses whose Retry-After says when the receiver will take requests again (RFC 9110 §10.2.3). */
const RETRY_AFTER_STATUSES = new Set([429, 503]);

export interface RetrySettings {
  retryCount: number;
  retryIntervalMs: number;
  retryBackoff?: RetryBackoff;
}

/** What the failed attempt brought back, and the facts a pure function cannot look up itself. */
export interface FailedAttempt {
  httpStatus?: number;
  /** The Retry-After header as received. */
  retryAfter?: string;
  /** When the answer arrived (ms since the epoch), for a Retry-After given as a date. */
  now?: number;
  /** A number in [0, 1) that places an exponential delay within its jitter range. */
  random?: number;
}

/** After `attemptsMade` failed attempts, ms until the next one, or null when the chunk is undelivered. */
export function nextRetryDelay(attemptsMade: number, settings: RetrySettings, failed: FailedAttempt = {}): number | null {
  // retryCount is the number of attempts after the first, so attempts total retryCount + 1.
  if (attemptsMade > settings.retryCount) return null;
  const backoff = settings.retryBackoff === 'exponential'
    ? exponentialDelay(attemptsMade, settings.retryIntervalMs, failed.random ?? 0.5)
    : settings.retryIntervalMs;
  if (failed.httpStatus === undefined || !RETRY_AFTER_STATUSES.has(failed.httpStatus)) return backoff;
  const asked = parseRetryAfter(failed.retryAfter, failed.now ?? Date.now());
  return asked === null ? backoff : Math.max(backoff, Math.min(asked, MAX_RETRY_AFTER_MS));
}

/**
 * Equal jitter over a doubling ceiling: retry n waits between retryInterval × 2^(n-1) and retryInterval × 2^n, so the
 * first retry never comes sooner than retryInterval and retries of many chunks failing together spread out.
 */
export function exponentialDelay(retry: number, retryIntervalMs: number, random: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, retryIntervalMs * 2 ** Math.min(retry, 52));
  const jittered = ceiling / 2 + random * (ceiling / 2);
  return Math.round(Math.min(MAX_BACKOFF_MS, Math.max(retryIntervalMs, jittered)));
}

const DELTA_SECONDS = /^\d+$/;

/** Retry-After as delta-seconds or an HTTP-date, in ms from `now` (0 for a date gone by); null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  const text = value?.trim();
  if (!text) return null;
  // A bare number would also pass Date.parse as a year: read it as seconds first.
  if (DELTA_SECONDS.test(text)) return Math.min(Number(text) * 1000, Number.MAX_SAFE_INTEGER);
  // An HTTP-date always names its weekday and its zone (IMF-fixdate, RFC 850, asctime): insist on letters.
  if (!/[A-Za-z]/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

// The retry policy as data in, delay out: the seeds' defaults, Retry-After on 429 and 503, and exponential backoff with jitter.
import { describe, expect, it } from 'vitest';
import {
  exponentialDelay, MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS, nextRetryDelay, parseRetryAfter,
} from '../src/delivery/retry-policy.ts';

const NOW = Date.parse('2025-03-01T12:00:00Z');

describe('retry count and interval, as the seeds say', () => {
  it('does not retry at all with retryCount 0', () => {
    expect(nextRetryDelay(1, { retryCount: 0, retryIntervalMs: 1000 })).toBeNull();
    expect(nextRetryDelay(1, { retryCount: 0, retryIntervalMs: 1000 }, { httpStatus: 429, retryAfter: '5', now: NOW })).toBeNull();
  });

  it('makes retryCount further attempts retryInterval apart, then gives up', () => {
    const settings = { retryCount: 3, retryIntervalMs: 250 };
    expect([1, 2, 3, 4].map((n) => nextRetryDelay(n, settings))).toEqual([250, 250, 250, null]);
    expect(nextRetryDelay(1, { ...settings, retryBackoff: 'fixed' }, { random: 0.99 })).toBe(250);
  });
});

describe('Retry-After', () => {
  const settings = { retryCount: 2, retryIntervalMs: 50 };

  it('waits as long as a 429 or 503 asks when that is longer than the interval', () => {
    expect(nextRetryDelay(1, settings, { httpStatus: 429, retryAfter: '1', now: NOW })).toBe(1000);
    expect(nextRetryDelay(1, settings, { httpStatus: 503, retryAfter: '120', now: NOW })).toBe(120_000);
  });

  it('reads an HTTP-date as the time until it', () => {
    const at = new Date(NOW + 30_000).toUTCString();
    expect(at).toMatch(/GMT$/);
    expect(nextRetryDelay(1, settings, { httpStatus: 503, retryAfter: at, now: NOW })).toBe(30_000);
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:10 GMT', NOW)).toBe(10_000);
    expect(parseRetryAfter('Saturday, 01-Mar-25 12:00:10 GMT', NOW)).toBe(10_000);
  });

  it('keeps the interval when Retry-After asks for less, names a past date, or cannot be read', () => {
    const longer = { retryCount: 2, retryIntervalMs: 5000 };
    expect(nextRetryDelay(1, longer, { httpStatus: 429, retryAfter: '1', now: NOW })).toBe(5000);
    expect(nextRetryDelay(1, settings, { httpStatus: 429, retryAfter: new Date(NOW - 60_000).toUTCString(), now: NOW })).toBe(50);
    for (const junk of ['soon', '-5', '1.5', '', '1e3', '0x10', 'Mon, 99 Foo 2025']) {
      expect(nextRetryDelay(1, settings, { httpStatus: 429, retryAfter: junk, now: NOW }), junk).toBe(50);
    }
    expect(nextRetryDelay(1, settings, { httpStatus: 429, now: NOW })).toBe(50);
  });

  it('is ignored on other statuses', () => {
    for (const httpStatus of [500, 502, 504, 408, 301]) {
      expect(nextRetryDelay(1, settings, { httpStatus, retryAfter: '30', now: NOW })).toBe(50);
    }
  });

  it('is capped at the documented maximum of one hour', () => {
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
    expect(nextRetryDelay(1, settings, { httpStatus: 429, retryAfter: '86400', now: NOW })).toBe(MAX_RETRY_AFTER_MS);
    expect(nextRetryDelay(1, settings, { httpStatus: 503, retryAfter: '99999999999999999999', now: NOW })).toBe(MAX_RETRY_AFTER_MS);
    expect(nextRetryDelay(1, settings, { httpStatus: 503, retryAfter: new Date(NOW + 7 * 86_400_000).toUTCString(), now: NOW }))
      .toBe(MAX_RETRY_AFTER_MS);
  });

  it('does not add attempts: after the last retry the chunk is undelivered whatever the receiver asks', () => {
    expect(nextRetryDelay(3, settings, { httpStatus: 429, retryAfter: '1', now: NOW })).toBeNull();
  });
});

describe('exponential backoff', () => {
  const settings = { retryCount: 10, retryIntervalMs: 100, retryBackoff: 'exponential' as const };

  it('doubles the range each retry, with equal jitter: retry n waits between interval × 2^(n-1) and interval × 2^n', () => {
    const low = [1, 2, 3, 4].map((n) => nextRetryDelay(n, settings, { random: 0 }));
    const high = [1, 2, 3, 4].map((n) => nextRetryDelay(n, settings, { random: 0.999999 }));
    expect(low).toEqual([100, 200, 400, 800]);
    expect(high).toEqual([200, 400, 800, 1600]);
    expect(nextRetryDelay(2, settings, { random: 0.5 })).toBe(300);
  });

  it('never waits less than retryInterval, and spreads retries over the range', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const d = exponentialDelay(1, 1000, i / 200);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(100);
  });

  it('is capped at the documented maximum of one hour, however many retries', () => {
    expect(MAX_BACKOFF_MS).toBe(3_600_000);
    expect(nextRetryDelay(10, settings, { random: 0.999999 })).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    expect(exponentialDelay(100, 1000, 0.999999)).toBeLessThanOrEqual(MAX_BACKOFF_MS);
    expect(exponentialDelay(100, 1000, 0)).toBe(MAX_BACKOFF_MS / 2);
    // An interval at the cap stays at the cap: the floor is retryInterval.
    expect(exponentialDelay(3, 3_600_000, 0)).toBe(3_600_000);
  });

  it('still gives way to a longer Retry-After, and gives up after retryCount', () => {
    expect(nextRetryDelay(1, settings, { httpStatus: 429, retryAfter: '10', now: NOW, random: 0 })).toBe(10_000);
    expect(nextRetryDelay(5, settings, { httpStatus: 429, retryAfter: '1', now: NOW, random: 0 })).toBe(1600);
    expect(nextRetryDelay(11, settings, { random: 0 })).toBeNull();
  });

  it('stays at zero with a zero interval', () => {
    expect(nextRetryDelay(3, { ...settings, retryIntervalMs: 0 }, { random: 0.7 })).toBe(0);
  });
});

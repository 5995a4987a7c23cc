// When a failed chunk is tried again, from the destination's retryCount and retryInterval.

export interface RetrySettings { retryCount: number; retryIntervalMs: number }

/** After `attemptsMade` failed attempts, ms until the next one, or null when the chunk is undelivered. */
export function nextRetryDelay(attemptsMade: number, settings: RetrySettings): number | null {
  // retryCount is the number of attempts after the first, so attempts total retryCount + 1.
  return attemptsMade <= settings.retryCount ? settings.retryIntervalMs : null;
}

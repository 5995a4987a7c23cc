// How the wait between a destination's retries grows: the same each time, or doubling.

export const RETRY_BACKOFFS = ['fixed', 'exponential'] as const;
export type RetryBackoff = (typeof RETRY_BACKOFFS)[number];

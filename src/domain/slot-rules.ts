// A destination's request rate limit as numbers: the gap between two send slots, how late after its slot a request may
// still start, how far ahead a chunk may be claimed. The store reserves slots by them, the worker keeps to them.
//
// The gap is (1000 + SLOT_MARGIN_MS) / maxRequestsPerSecond ms, not 1000 / maxRequestsPerSecond: any N + 1 consecutive
// requests then start at least one second apart, even with the first as late as it may be, so no window of one second
// (sliding, not aligned to the clock) ever holds more than N starts. That costs 5% of the rate.

/** What the gap between two slots adds to each second: room for a start as late as SLOT_LATE_MS, and then some. */
export const SLOT_MARGIN_MS = 50;

/**
 * How late after its slot a request may still start. Less than the margin: a worker learns its slot when the claim's
 * answer reaches it, which it takes for the moment the database answered; the rest of the margin covers that trip.
 */
export const SLOT_LATE_MS = 40;

/** How far ahead a chunk may be claimed for a slot: claiming a little early lets its body be read before the slot comes. */
export const SLOT_HORIZON_MS = 250;

// A destination's request rate limit: send slots reserved on its database row, so every process sharing the database obeys one limit.
//
// Each request (first attempts and retries alike) reserves the destination's next slot in the statement that claims its
// chunk, under the row lock: slot = max(next_slot_at, now), then next_slot_at = slot + gap. The worker starts the request
// at its slot, never before it; when it gets there more than SLOT_LATE_MS late (a busy process, a paused machine) it
// gives the slot up and the chunk waits for a new one, instead of going out bunched with the requests after it.
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

/** When a request may start, at the earliest and at the latest, in ms since the epoch. */
export interface SendSlot {
  from: number;
  until: number;
}

/** The slot `slotInMs` after `answeredAt`, the moment the database's answer that reserved it arrived (Date.now()). */
export function sendSlot(slotInMs: number, answeredAt: number): SendSlot {
  const from = answeredAt + slotInMs;
  return { from, until: from + SLOT_LATE_MS };
}

/** Resolves once the slot has come: never before it, though a timer may fire a fraction of a millisecond early. */
export async function slotReached(slot: SendSlot): Promise<void> {
  for (let wait = slot.from - Date.now(); wait > 0; wait = slot.from - Date.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
  }
}

// A destination's request rate limit: send slots reserved on its database row, so every process sharing the database obeys one limit.
//
// Each request (first attempts and retries alike) reserves the destination's next slot in the statement that claims its
// chunk, under the row lock: slot = max(next_slot_at, now), then next_slot_at = slot + gap. The worker starts the request
// at its slot, never before it; when it gets there more than SLOT_LATE_MS late (a busy process, a paused machine) it
// gives the slot up and the chunk waits for a new one, instead of going out bunched with the requests after it.
//
// The gap between slots, how late a request may start and how early a chunk may be claimed are in domain/slot-rules.ts.

import { SLOT_LATE_MS } from '../domain/slot-rules.ts';

/** When a request may start, at the earliest and at the latest, in ms since the epoch. */
export interface SendSlot {
  from: number;
  until: number;
}

/**
 * The slot the database put `slotInMs` after the moment it read its clock, somewhere between `askedAt` (the statement
 * sent) and `answeredAt` (its answer here), both Date.now(): its start is taken as late as it can be, and its end as
 * early, so that a request never starts before its slot nor more than SLOT_LATE_MS after it, however long the
 * statement took to come back. One that took longer than SLOT_LATE_MS leaves no time at all: the slot is missed.
 */
export function sendSlot(slotInMs: number, askedAt: number, answeredAt: number): SendSlot {
  return { from: answeredAt + slotInMs, until: askedAt + slotInMs + SLOT_LATE_MS };
}

/** Resolves once the slot has come: never before it, though a timer may fire a fraction of a millisecond early. */
export async function slotReached(slot: SendSlot): Promise<void> {
  for (let wait = slot.from - Date.now(); wait > 0; wait = slot.from - Date.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
  }
}

// A send slot as the worker keeps it: the database reserved it some milliseconds after it read its own clock, at a
// moment between the statement's sending and its answer, and a request must start neither before the slot nor more
// than SLOT_LATE_MS after it, wherever in that span the clock was read.
import { expect, it } from 'vitest';
import { SLOT_LATE_MS } from '../src/domain/slot-rules.ts';
import { sendSlot } from '../src/delivery/send-slots.ts';

it('opens when the slot has surely come and closes SLOT_LATE_MS after it could first have come', () => {
  // Asked at 1000, answered at 1010: the slot is somewhere in [1200, 1210].
  const slot = sendSlot(200, 1000, 1010);
  expect(slot).toEqual({ from: 1210, until: 1200 + SLOT_LATE_MS });
  for (const trueSlot of [1200, 1205, 1210]) {
    expect(slot.from).toBeGreaterThanOrEqual(trueSlot);
    expect(slot.until - trueSlot).toBeLessThanOrEqual(SLOT_LATE_MS);
  }
});

it('leaves no time when the answer took longer than a request may be late: the slot is missed, not kept late', () => {
  const slot = sendSlot(200, 1000, 1000 + SLOT_LATE_MS + 30);
  expect(slot.until).toBeLessThan(slot.from);
});

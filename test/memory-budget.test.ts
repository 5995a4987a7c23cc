// A thread that has let a budget of large buffers go collects its garbage then, not when V8 would.
import { expect, it } from 'vitest';
import { GC_BUDGET_BYTES, madeBuffer } from '../src/memory-budget.ts';

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 30));

it('collects garbage once the budget of buffers made is reached', async () => {
  // Nothing refers to the object but the weak reference.
  const gone = new WeakRef({ buffer: new Uint8Array(1 << 20) });
  // A weak reference's target lives at least until the task that made it ends.
  await nextTask();
  madeBuffer(GC_BUDGET_BYTES / 2);
  madeBuffer(GC_BUDGET_BYTES / 2);
  expect(gone.deref()).toBeUndefined();
});

// Collects garbage once a thread has let a budget of large buffers go. A buffer's memory is freed only when V8
// collects the object that owns it, and V8 collects for such memory only after some 64 MB of it has piled up: a
// thread that makes one buffer after another (bodies of chunks, the records read for them, a file received) keeps
// that much more resident than it uses. A full collection of this service's heap takes about 10 ms; at the rate at
// which a million rows are delivered, the budget below asks for about six a second.
import v8 from 'node:v8';
import vm from 'node:vm';

/**
 * Bytes of large buffers made between two collections this module asks for: with 24 MB a 5,000,000-row CSV's
 * delivery still peaked 10 to 15 MB above a 1,000,000-row one's.
 */
export const GC_BUDGET_BYTES = 16 << 20;
/** The least time between two of them, so a thread that makes buffers fast spends little of its time collecting. */
const MIN_INTERVAL_MS = 20;

/**
 * V8 gives a context the collector as `gc` when the flag is set before the context is made: a new context here,
 * and every worker thread started after this module loads.
 */
function exposedGc(): (() => void) | undefined {
  if (typeof globalThis.gc === 'function') return globalThis.gc as () => void;
  v8.setFlagsFromString('--expose-gc');
  const gc: unknown = vm.runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

const collect = exposedGc();
let made = 0;
let lastAt = 0;

/** Says that this thread made a buffer of `bytes` that it will let go soon. */
export function madeBuffer(bytes: number): void {
  made += bytes;
  if (made < GC_BUDGET_BYTES || collect === undefined) return;
  const now = performance.now();
  if (now - lastAt < MIN_INTERVAL_MS) return;
  made = 0;
  lastAt = now;
  collect();
}

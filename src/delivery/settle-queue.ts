// Settles attempts in as few statements as there can be: while one settle statement runs, the attempts that end
// meanwhile wait, and the next statement records them all (and claims what may follow them) at once.
import type { Store } from '../store/db.ts';
import { settleAndClaim, type Settle, type SettleOutcome } from '../store/delivery-queue.ts';

export interface SettleQueueDeps {
  store: Pick<Store, 'run'>;
  /** How long the pages claimed here stay leased beyond their request timeout. */
  leaseMarginMs: number;
  /** How many pages the statement may claim, once the `settling` attempts in it are settled. */
  take(settling: number): number;
  /** Called with each statement's outcome, before the attempts in it are told they are settled. */
  settled(outcome: SettleOutcome, batch: Settle[]): void;
  /** Called when a statement failed: its attempts are not settled (their leases will run out). */
  failed(batch: Settle[]): void;
}

export interface SettleQueue {
  /** Resolves once the attempt is recorded and its chunk settled; rejects if the statement failed. */
  settle(attempt: Settle): Promise<void>;
}

export function createSettleQueue(deps: SettleQueueDeps): SettleQueue {
  let waiting: { attempt: Settle; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let running = false;

  async function flush(): Promise<void> {
    try {
      while (waiting.length > 0) {
        const batch = waiting;
        waiting = [];
        const attempts = batch.map((w) => w.attempt);
        let outcome: SettleOutcome;
        try {
          outcome = await settleAndClaim(deps.store, attempts, deps.take(attempts.length), deps.leaseMarginMs);
        } catch (err) {
          deps.failed(attempts);
          for (const w of batch) w.reject(err);
          continue;
        }
        deps.settled(outcome, attempts);
        for (const w of batch) w.resolve();
      }
    } finally {
      running = false;
    }
  }

  return {
    settle(attempt) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ attempt, resolve, reject });
        if (running) return;
        running = true;
        // After the I/O of this turn of the event loop: answers that arrived together are settled together.
        setImmediate(() => void flush());
      });
    },
  };
}

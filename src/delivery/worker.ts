// The delivery loop: claims due chunks, sends them, and settles each attempt, with a bounded number in flight.
import type { Logger } from 'pino';
import type { Db } from '../store/db.ts';
import {
  chunkData, claimDueChunks, finalizeSettledUploads, msUntilNextDue, releaseChunk, settleChunk, type ClaimedChunk,
} from '../store/chunks-queries.ts';
import { ChunkStatus } from '../store/states.ts';
import type { SecretBox } from '../secret-box.ts';
import type { Metrics } from '../metrics.ts';
import { buildBody } from './payload.ts';
import { prepareRequest } from './prepare-request.ts';
import { nextRetryDelay } from './retry-policy.ts';
import { sendSlot, slotReached } from './send-slots.ts';
import type { AttemptResult, WebhookClient } from './webhook-client.ts';

export interface DeliveryWorkerDeps {
  db: Db;
  client: WebhookClient;
  secrets: SecretBox;
  log: Logger;
  concurrency: number;
  pollIntervalMs: number;
  metrics: Pick<Metrics, 'attempts' | 'attemptSeconds'>;
}

export interface DeliveryWorker {
  start(): void;
  /** New work is due: look now rather than at the next poll. */
  wake(): void;
  /** Stops claiming and waits for chunks in flight to settle. */
  stop(): Promise<void>;
}

export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const { db, log } = deps;
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let looping = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  async function deliver(chunk: ClaimedChunk, claimedAt: number): Promise<void> {
    const result = await attempt(chunk, claimedAt);
    if (result === 'slot_missed') {
      await releaseChunk(db, chunk);
      log.info({ uploadId: chunk.uploadId, page: chunk.page }, 'send slot missed; the page waits for another');
      return;
    }
    const retryIn = result.outcome === 'delivered' ? null : nextRetryDelay(chunk.attempts + 1, chunk, {
      httpStatus: result.httpStatus, retryAfter: result.retryAfter, now: Date.now(), random: Math.random(),
    });
    const status = await settleChunk(db, chunk, result, retryIn);
    deps.metrics.attempts.inc({ outcome: result.outcome });
    deps.metrics.attemptSeconds.observe({ outcome: result.outcome }, result.durationMs / 1000);
    log.info({ uploadId: chunk.uploadId, page: chunk.page, outcome: result.outcome, httpStatus: result.httpStatus,
      durationMs: result.durationMs, status, ...(status === ChunkStatus.pending ? { retryInMs: retryIn } : {}) }, 'delivery attempt');
  }

  async function attempt(chunk: ClaimedChunk, claimedAt: number): Promise<AttemptResult | 'slot_missed'> {
    const notSent = (error: string): AttemptResult => ({ outcome: 'not_sent', startedAt: new Date(), durationMs: 0, error });
    const { callbackUrl } = chunk;
    if (!callbackUrl) return notSent('the template has no webhook destination');
    const slot = chunk.slotInMs === null ? null : sendSlot(chunk.slotInMs, claimedAt);
    const body = buildBody(chunk, await chunkData(db, chunk));
    if (slot) await slotReached(slot);
    // The moment checked against the slot is the attempt's start as logged: the log shows the limit kept.
    const startedAt = new Date();
    if (slot && startedAt.getTime() > slot.until) return 'slot_missed';
    const prepared = prepareRequest({ ...chunk, callbackUrl }, body, deps.secrets, startedAt);
    if ('notSent' in prepared) return notSent(prepared.notSent);
    return deps.client.send(prepared.request, startedAt);
  }

  async function loop(): Promise<void> {
    if (looping) { again = true; return; }
    looping = true;
    try {
      do {
        again = false;
        const free = deps.concurrency - inFlight.size;
        if (!running || free <= 0) break;
        const claimed = await claimDueChunks(db, free);
        const claimedAt = Date.now();
        for (const chunk of claimed) {
          const p: Promise<void> = deliver(chunk, claimedAt)
            .catch((err) => log.error({ err, uploadId: chunk.uploadId, page: chunk.page }, 'delivery failed; the lease will expire and it is tried again'))
            .finally(() => { inFlight.delete(p); void loop(); });
          inFlight.add(p);
        }
        if (claimed.length === free) again = true;
      } while (again && running);
      if (running && inFlight.size === 0) await finalizeSettledUploads(db);
      if (running) schedule(await msUntilNextDue(db));
    } catch (err) {
      log.error({ err }, 'delivery loop error');
      if (running) schedule(deps.pollIntervalMs);
    } finally {
      looping = false;
    }
  }

  function schedule(dueInMs: number | null): void {
    clearTimeout(timer);
    const wait = Math.min(deps.pollIntervalMs, Math.max(0, dueInMs ?? deps.pollIntervalMs));
    timer = setTimeout(() => void loop(), wait);
    timer.unref();
  }

  return {
    start() {
      running = true;
      void loop();
    },
    wake() {
      if (running) void loop();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}

// The delivery loop: claims due chunks, sends them, and settles each attempt, with a bounded number in flight.
//
// Two ways to a chunk. The claim looks over every upload being delivered, in turns, and reserves send slots for rate-
// limited destinations. Then, while no other upload waits for room in this process, each settle claims in the same
// statement the pages that may follow it in its upload, whose records were read while the page before was on the
// wire: one statement per chunk on the way, and none of them planned anew (see delivery-queue.ts).
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import {
  claimDueChunks, finalizeSettledUploads, finalizeUpload, msUntilNextDue, releaseChunk, uploadContext,
  type ClaimedPage, type Settle, type SettleOutcome, type UploadContext,
} from '../store/delivery-queue.ts';
import { ChunkStatus } from '../domain/states.ts';
import { rememberOpened, type SecretBox } from '../secret-box.ts';
import type { Metrics } from '../metrics.ts';
import { createPageReader } from './page-reader.ts';
import { prepareRequest } from './prepare-request.ts';
import { nextRetryDelay } from './retry-policy.ts';
import { sendSlot, slotReached } from './send-slots.ts';
import { createSettleQueue } from './settle-queue.ts';
import type { AttemptResult, WebhookClient } from './webhook-client.ts';

export interface DeliveryWorkerDeps {
  store: Store;
  client: WebhookClient;
  secrets: SecretBox;
  log: Logger;
  /** Chunks in flight at once in this process, across uploads. */
  concurrency: number;
  pollIntervalMs: number;
  /** How long a claimed chunk's lease outlasts its request timeout. */
  leaseMarginMs: number;
  metrics: Pick<Metrics, 'attempts' | 'attemptSeconds'>;
}

export interface DeliveryWorker {
  start(): void;
  /** New work is due: look now rather than at the next poll. */
  wake(): void;
  /** Stops claiming and waits for chunks in flight to settle. */
  stop(): Promise<void>;
}

/** When the statement that claimed a page was sent and when its answer came: its send slot lies between (send-slots.ts). */
interface ClaimTime { askedAt: number; answeredAt: number }
const NO_SLOT: ClaimTime = { askedAt: 0, answeredAt: 0 };

/** Uploads whose unchanging parts are kept: more than a process has in flight. */
const MAX_CONTEXTS = 1000;

/** PostgreSQL text cannot hold NUL: a receiver's answer or an error message may. */
const storable = (text: string | undefined) => text?.replaceAll('\u0000', '\uFFFD');

export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const { store, log } = deps;
  const secrets = rememberOpened(deps.secrets);
  const reader = createPageReader(store);
  const contexts = new Map<string, UploadContext>();
  const tasks = new Set<Promise<void>>();
  /** Chunks claimed by this process and not yet settled or given back. */
  let active = 0;
  /**
   * Whether pages of other uploads (or of a rate-limited destination) may be waiting for the claim: then settles claim
   * nothing, and the room they free goes to the claim, which gives every upload its turn.
   */
  let othersWaiting = true;
  let running = false;
  /** The loop's run under way, which a stop waits for: its statements must end before the store closes. */
  let looping: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  let lastSweep = 0;

  const settler = createSettleQueue({
    store,
    leaseMarginMs: deps.leaseMarginMs,
    take: (settling) => (running && !othersWaiting ? Math.max(0, deps.concurrency - (active - settling)) : 0),
    settled(outcome: SettleOutcome, batch: Settle[]) {
      active -= batch.length;
      // Pages claimed by a settle have no send slot (see delivery-queue.ts): when they were claimed matters not.
      for (const page of outcome.claimed) start(page, NO_SLOT);
      for (const upload of outcome.uploads) {
        if (!upload.pipelined) othersWaiting = true;
        if (upload.mayBeDone) track(finalize(upload.uploadId));
      }
      if (othersWaiting) void loop();
    },
    failed(batch: Settle[]) {
      active -= batch.length;
      void loop();
    },
  });

  function start(page: ClaimedPage, claimed: ClaimTime): void {
    active++;
    track(deliver(page, claimed)
      .catch((err) => log.error({ err, uploadId: page.uploadId, page: page.page }, 'delivery failed; the lease will expire and it is tried again')));
  }

  /** Work a stop waits for before the store closes. */
  function track(work: Promise<void>): void {
    const task = work.finally(() => tasks.delete(task));
    tasks.add(task);
  }

  async function deliver(page: ClaimedPage, claimed: ClaimTime): Promise<void> {
    let handedOver = false;
    try {
      const context = contexts.get(page.uploadId) ?? await loadContext(page.uploadId);
      const result = await attempt(page, context, claimed);
      if (result === 'slot_missed') {
        await releaseChunk(store, page);
        log.debug({ uploadId: page.uploadId, page: page.page }, 'send slot missed; the page waits for another');
        return;
      }
      const retryIn = result.outcome === 'delivered' ? null : nextRetryDelay(page.attempts + 1, page, {
        httpStatus: result.httpStatus, retryAfter: result.retryAfter, now: Date.now(), random: Math.random(),
      });
      const status = result.outcome === 'delivered' ? ChunkStatus.delivered : retryIn === null ? ChunkStatus.failed : ChunkStatus.pending;
      handedOver = true;
      await settler.settle({
        uploadId: page.uploadId, page: page.page, status, retryInMs: retryIn, startedAt: result.startedAt, durationMs: result.durationMs,
        outcome: result.outcome, httpStatus: result.httpStatus, error: storable(result.error), responseExcerpt: storable(result.responseExcerpt),
      });
      if (retryIn !== null) scheduleWithin(retryIn);
      deps.metrics.attempts.inc({ outcome: result.outcome });
      deps.metrics.attemptSeconds.observe({ outcome: result.outcome }, result.durationMs / 1000);
      // Every attempt at debug; at info only the failed ones, so that a large upload's log stays a few lines long.
      const line = { uploadId: page.uploadId, page: page.page, outcome: result.outcome, httpStatus: result.httpStatus,
        durationMs: result.durationMs, status, ...(status === ChunkStatus.pending ? { retryInMs: retryIn } : {}) };
      if (result.outcome === 'delivered') log.debug(line, 'delivery attempt');
      else log.info({ ...line, error: result.error }, 'delivery attempt failed');
    } finally {
      if (!handedOver) {
        // Given back, or dropped by an error until its lease runs out: the claim finds it again.
        active--;
        othersWaiting = true;
        void loop();
      }
    }
  }

  async function loadContext(uploadId: string): Promise<UploadContext> {
    const context = await uploadContext(store, uploadId);
    if (!context) throw new Error(`upload ${uploadId} is gone`);
    remember(context);
    return context;
  }

  function remember({ uploadId, templateCode, extraJson, authHeaderValue, totalRecords, totalPages }: UploadContext): void {
    if (contexts.has(uploadId)) return;
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!);
    contexts.set(uploadId, { uploadId, templateCode, extraJson, authHeaderValue, totalRecords, totalPages });
  }

  async function attempt(page: ClaimedPage, context: UploadContext, claimed: ClaimTime): Promise<AttemptResult | 'slot_missed'> {
    const notSent = (error: string): AttemptResult => ({ outcome: 'not_sent', startedAt: new Date(), durationMs: 0, error });
    const { callbackUrl } = page;
    if (!callbackUrl) return notSent('the template has no webhook destination');
    const slot = page.slotInMs === null ? null : sendSlot(page.slotInMs, claimed.askedAt, claimed.answeredAt);
    // The signature and the request take the same bytes.
    const body = await reader.read({ ...page, uploadId: context.uploadId }, context);
    if (slot) await slotReached(slot);
    // The moment checked against the slot is the attempt's start as logged: the log shows the limit kept.
    const startedAt = new Date();
    if (slot && startedAt.getTime() > slot.until) return 'slot_missed';
    const prepared = prepareRequest({ ...page, callbackUrl, authHeaderValue: context.authHeaderValue }, body, secrets, startedAt);
    if ('notSent' in prepared) return notSent(prepared.notSent);
    const sending = deps.client.send(prepared.request, startedAt);
    // While this page is on the wire, the records of the next ones are read.
    reader.readAhead(page, context);
    const result = await sending;
    // Answered, the request is over for its receiver, even one that answered before reading it all (what of the body
    // is still on its way is read past). After a failure without an answer the body is left alone.
    if (result.httpStatus !== undefined) reader.reuse(body);
    return result;
  }

  async function finalize(uploadId: string): Promise<void> {
    try {
      const ended = await finalizeUpload(store, uploadId);
      if (ended) {
        log.info(ended, 'upload ended');
        contexts.delete(uploadId);
        reader.forget(uploadId);
      }
    } catch (err) {
      log.error({ err, uploadId }, 'could not finalize the upload; the next sweep will');
    }
  }

  function loop(): Promise<void> {
    if (!running) return Promise.resolve();
    if (looping) { again = true; return looping; }
    looping = runLoop().finally(() => { looping = undefined; });
    return looping;
  }

  async function runLoop(): Promise<void> {
    try {
      let claimedNone = false;
      do {
        again = false;
        const free = deps.concurrency - active;
        // No room: settles claim nothing while others wait, and the room they free comes back here.
        if (!running || free <= 0) break;
        const askedAt = Date.now();
        const { chunks, waiting } = await claimDueChunks(store, free, deps.leaseMarginMs);
        othersWaiting = waiting > chunks.length;
        const claimed = { askedAt, answeredAt: Date.now() };
        for (const chunk of chunks) {
          remember(chunk);
          start(chunk, claimed);
        }
        claimedNone = chunks.length === 0;
        if (chunks.length > 0 && othersWaiting) again = true;
      } while (again && running);
      if (running) await sweep();
      if (running) {
        const dueIn = active < deps.concurrency ? await msUntilNextDue(store) : null;
        // Something due that the claim did not take (another process holds it a moment): look again shortly, not at once.
        schedule(dueIn === null ? null : Math.max(dueIn, claimedNone ? 5 : 0));
      }
    } catch (err) {
      log.error({ err }, 'delivery loop error');
      if (running) schedule(deps.pollIntervalMs);
    }
  }

  /** The safety net: an upload whose last settle could not finalize it (a crash in between) is finalized here. */
  async function sweep(): Promise<void> {
    if (Date.now() - lastSweep < deps.pollIntervalMs) return;
    lastSweep = Date.now();
    for (const ended of await finalizeSettledUploads(store)) log.info(ended, 'upload ended');
  }

  function schedule(dueInMs: number | null): void {
    clearTimeout(timer);
    const wait = Math.min(deps.pollIntervalMs, Math.max(0, dueInMs ?? deps.pollIntervalMs));
    timerAt = Date.now() + wait;
    timer = setTimeout(() => {
      timerAt = Number.POSITIVE_INFINITY;
      // Work may have come due for uploads that are not this process's: the claim looks.
      othersWaiting = true;
      void loop();
    }, wait);
    timer.unref();
  }

  /** Looks again in `ms` at the latest: a retry falls due then. */
  function scheduleWithin(ms: number): void {
    if (running && Date.now() + ms < timerAt) schedule(ms);
  }

  return {
    start() {
      running = true;
      void loop();
    },
    wake() {
      if (!running) return;
      othersWaiting = true;
      void loop();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await looping;
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
    },
  };
}

// Runs ingest jobs, a few at once: claims uploads waiting to be read, reads each, and hands it to delivery.
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import type { Metrics } from '../metrics.ts';
import type { ReceivedFiles } from '../received-files.ts';
import { claimIngestJob, expireAbandoned, type UploadRow } from '../store/uploads-queries.ts';
import { createBlockReader, type BlockReader } from './block-reader.ts';
import { UploadStatus } from '../domain/states.ts';
import { ingestUpload, type IngestLimits, type IngestOutcome } from './ingest-upload.ts';

export interface IngestRunner {
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

/** One upload read at a time, on a reading thread of its own. */
interface Slot {
  reader: BlockReader;
  job: Promise<void> | undefined;
  /** The upload it reads. */
  uploadId: string | undefined;
  /** Its thread ending, after the slot found nothing to read. */
  closing: Promise<void> | undefined;
  /** When its last read ended, while it has read nothing since. */
  idleSince: number | undefined;
  /** The data rows of the last file it read to the end; undefined when that file failed or was cancelled. */
  lastRows: number | undefined;
}

/**
 * Polls with nothing to read after which the first slot's thread ends too (the others end at the first): uploads that
 * come one after another pay for one start, and an idle service holds no reading thread.
 */
const FIRST_THREAD_KEPT_POLLS = 10;
/**
 * The first slot's thread is kept after a file only if the file had at most this many rows. Reading more grows its
 * heap, which it keeps until it ends (most after a large file with a unique column, whose check ends the reading):
 * kept, that would be held through the delivery that follows. The next upload's new thread costs a fraction of a
 * second, which a file of that size takes many times over. Counted in rows rather than measured on the heap: with
 * the young generation bounded, a large file's heap is not far above a small one's (docs/engine.md).
 */
const KEPT_THREAD_ROWS = 10_000;

export function createIngestRunner(deps: {
  store: Store; log: Logger; files: ReceivedFiles; pollIntervalMs: number; limits: IngestLimits; metrics: Metrics; leaseMs: number;
  /** How long an interactive upload may wait in mapping or review before it expires. */
  uploadTtlMs: number;
  /** Uploads read at once: a small one is read beside a large one rather than after it. */
  concurrency: number;
  onIngested: () => void;
}): IngestRunner {
  let running = false;
  /** The claiming of uploads for the slots that are free. */
  let filling: Promise<void> | undefined;
  let wokenWhileFilling = false;
  let timer: NodeJS.Timeout | undefined;
  const shutdown = new AbortController();
  // A slot's thread starts with the first file it reads, not with the service: a process that reads no file (or none
  // yet) does without the thread's memory, a heap of its own that reading a large file grows to tens of megabytes. The
  // first slot's thread then stays a while for the next upload (a start costs a fraction of a second) unless its file
  // grew it; the others' end when they find nothing more to read, as most of the time one upload is read at most.
  const onThread = (alive: boolean) => deps.metrics.readingThreads.inc(alive ? 1 : -1);
  const slots: Slot[] = Array.from({ length: deps.concurrency }, () => ({
    reader: createBlockReader(onThread), job: undefined, uploadId: undefined, closing: undefined, idleSince: undefined,
    lastRows: undefined,
  }));
  const db = deps.store.db;

  let nextExpiry = 0;

  async function expire(): Promise<void> {
    if (Date.now() < nextExpiry) return;
    // Looked for now and then: an expiry a minute late harms nobody.
    nextExpiry = Date.now() + deps.pollIntervalMs * 60;
    for (const uploadId of await expireAbandoned(db, deps.uploadTtlMs)) {
      deps.log.info({ uploadId, status: UploadStatus.expired }, 'upload ended');
      await deps.files.release(uploadId);
    }
  }

  async function read(slot: Slot, upload: UploadRow): Promise<void> {
    // A thread ending is awaited before the slot's next read starts one: a slot never has two.
    await slot.closing;
    deps.log.debug({ uploadId: upload.id }, 'ingest started');
    slot.lastRows = undefined;
    const result = await ingestUpload({ ...deps, db, reader: slot.reader }, upload, () => deps.files.open(upload.id), shutdown.signal);
    if (result.outcome === 'read') slot.lastRows = result.rows;
    // The session that made the upload, if one did, goes into its lines.
    logOutcome(upload.sessionId ? deps.log.child({ sessionId: upload.sessionId }) : deps.log, upload.id, result);
    // The records are in the store now (or the upload failed or was cancelled): the received file is no longer needed.
    await deps.files.release(upload.id);
    if (result.outcome === 'read') deps.onIngested();
  }

  /** Claims an upload for each free slot while there are uploads to read; each slot reads on its own. */
  async function fill(): Promise<void> {
    await expire();
    for (let slot = slots.find((s) => !s.job); running && slot; slot = slots.find((s) => !s.job)) {
      const reading = slots.flatMap((s) => (s.uploadId ? [s.uploadId] : []));
      const upload = await claimIngestJob(db, deps.leaseMs, reading);
      if (!upload) break;
      const taken = slot;
      taken.uploadId = upload.id;
      taken.idleSince = undefined;
      taken.job = read(taken, upload)
        .catch((err) => { if (!shutdown.signal.aborted) deps.log.error({ err, uploadId: upload.id }, 'ingest loop error'); })
        .finally(() => {
          taken.job = undefined;
          taken.uploadId = undefined;
          taken.idleSince = Date.now();
          // Its slot is free: the next upload waiting, if any, is claimed at once.
          wake();
        });
    }
    const first = slots[0];
    const firstKept = Date.now() < (first.idleSince ?? Number.POSITIVE_INFINITY) + FIRST_THREAD_KEPT_POLLS * deps.pollIntervalMs
      && first.lastRows !== undefined && first.lastRows <= KEPT_THREAD_ROWS;
    slots.forEach((slot, i) => {
      if (slot.job || (i === 0 && firstKept)) return;
      slot.closing = slot.reader.close();
      slot.idleSince = undefined;
    });
  }

  function wake(): void {
    if (!running) return;
    if (filling) { wokenWhileFilling = true; return; }
    clearTimeout(timer);
    wokenWhileFilling = false;
    filling = fill()
      .catch((err) => { if (!shutdown.signal.aborted) deps.log.error({ err }, 'ingest loop error'); })
      .finally(() => {
        filling = undefined;
        if (running) timer = setTimeout(wake, wokenWhileFilling ? 0 : deps.pollIntervalMs).unref();
      });
  }

  return {
    start() { running = true; wake(); },
    wake,
    async stop() {
      running = false;
      clearTimeout(timer);
      shutdown.abort();
      await filling;
      await Promise.all(slots.map((slot) => slot.job));
      await Promise.all(slots.map((slot) => slot.reader.close()));
    },
  };
}

/** At info, one line when an upload is read and one when its reading ends it (failed, or nothing to deliver). */
function logOutcome(log: Logger, uploadId: string, result: IngestOutcome): void {
  if (result.outcome === 'cancelled') {
    // Its end was logged by the cancel.
    log.debug({ uploadId }, 'ingest stopped: the upload was cancelled');
    return;
  }
  if (result.outcome === 'failed') {
    log.info({ uploadId, status: UploadStatus.failed, error: result.error }, 'upload ended');
    return;
  }
  const { validRecords, invalidRecords, totalPages } = result.totals;
  log.info({ uploadId, rows: result.rows, validRecords, invalidRecords, totalPages, status: result.status }, 'upload read');
  if (result.status === UploadStatus.failed) {
    log.info({ uploadId, status: result.status, pagesDelivered: 0, pagesFailed: 0 }, 'upload ended');
  }
}

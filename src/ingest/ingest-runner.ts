// Runs ingest jobs one at a time: claims an upload waiting to be read, reads it, and hands it to delivery.
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import type { Metrics } from '../metrics.ts';
import type { ReceivedFiles } from '../received-files.ts';
import { claimIngestJob, expireAbandoned } from '../store/uploads-queries.ts';
import { createBlockReader } from './block-reader.ts';
import { UploadStatus } from '../store/states.ts';
import { ingestUpload, type IngestLimits, type IngestOutcome } from './ingest-upload.ts';

export interface IngestRunner {
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

export function createIngestRunner(deps: {
  store: Store; log: Logger; files: ReceivedFiles; pollIntervalMs: number; limits: IngestLimits; metrics: Metrics; leaseMs: number;
  /** How long an interactive upload may wait in mapping or review before it expires. */
  uploadTtlMs: number;
  onIngested: () => void;
}): IngestRunner {
  let running = false;
  let busy: Promise<void> | undefined;
  let wokenWhileBusy = false;
  let timer: NodeJS.Timeout | undefined;
  const shutdown = new AbortController();
  // Its thread starts with the first file read, not with the service: a process that reads no file (or none yet)
  // does without the thread's memory, and the thread's start (a fraction of a second) is paid once.
  const reader = createBlockReader();
  const db = deps.store.db;
  const ingestDeps = { ...deps, db, reader };

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

  async function drain(): Promise<void> {
    await expire();
    while (running) {
      const upload = await claimIngestJob(db, deps.leaseMs);
      if (!upload) break;
      deps.log.debug({ uploadId: upload.id }, 'ingest started');
      const result = await ingestUpload(ingestDeps, upload, () => deps.files.open(upload.id), shutdown.signal);
      // The session that made the upload, if one did, goes into its lines.
      logOutcome(upload.sessionId ? deps.log.child({ sessionId: upload.sessionId }) : deps.log, upload.id, result);
      // The records are in the store now (or the upload failed or was cancelled): the received file is no longer needed.
      await deps.files.release(upload.id);
      if (result.outcome === 'read') deps.onIngested();
    }
  }

  function wake(): void {
    if (!running) return;
    if (busy) { wokenWhileBusy = true; return; }
    clearTimeout(timer);
    wokenWhileBusy = false;
    busy = drain()
      .catch((err) => { if (!shutdown.signal.aborted) deps.log.error({ err }, 'ingest loop error'); })
      .finally(() => {
        busy = undefined;
        if (running) timer = setTimeout(wake, wokenWhileBusy ? 0 : deps.pollIntervalMs).unref();
      });
  }

  return {
    start() { running = true; wake(); },
    wake,
    async stop() {
      running = false;
      clearTimeout(timer);
      shutdown.abort();
      await busy;
      await reader.close();
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

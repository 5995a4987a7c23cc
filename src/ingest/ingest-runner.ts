// Runs ingest jobs one at a time: claims an upload waiting to be read, reads it, and hands it to delivery.
import type { Logger } from 'pino';
import type { Store } from '../store/db.ts';
import type { Metrics } from '../metrics.ts';
import type { ReceivedFiles } from '../received-files.ts';
import { claimIngestJob, expireAbandoned } from '../store/uploads-queries.ts';
import { createBlockReader } from './block-reader.ts';
import { ingestUpload, type IngestLimits } from './ingest-upload.ts';

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
      deps.log.info({ uploadId }, 'upload expired');
      await deps.files.release(uploadId);
    }
  }

  async function drain(): Promise<void> {
    await expire();
    while (running) {
      const upload = await claimIngestJob(db, deps.leaseMs);
      if (!upload) break;
      const totals = await ingestUpload(ingestDeps, upload, () => deps.files.open(upload.id), shutdown.signal);
      deps.log.info({ uploadId: upload.id, ...totals }, totals ? 'upload read' : 'upload could not be read');
      // The records are in the store now (or the upload failed): the received file is no longer needed.
      await deps.files.release(upload.id);
      if (totals) deps.onIngested();
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

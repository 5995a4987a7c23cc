// Runs ingest jobs one at a time: claims an upload waiting to be read, reads it, and hands it to delivery.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../store/db.ts';
import type { Metrics } from '../metrics.ts';
import { claimIngestJob, ingestingAmong } from '../store/uploads-queries.ts';
import { ingestUpload, type IngestLimits } from './ingest-upload.ts';

export interface IngestRunner {
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

export const spoolPath = (dataDir: string, uploadId: string) => join(dataDir, 'uploads', uploadId);

/**
 * Removes received files whose upload is no longer waiting to be read (a kill can come between the end of ingest
 * and the removal). Only safe before the API accepts imports: an import writes its file before its upload row.
 */
export async function sweepSpool(db: Db, dataDir: string): Promise<number> {
  const names = await readdir(join(dataDir, 'uploads')).catch(() => [] as string[]);
  if (names.length === 0) return 0;
  const keep = new Set(await ingestingAmong(db, names));
  const stale = names.filter((name) => !keep.has(name));
  await Promise.all(stale.map((name) => rm(spoolPath(dataDir, name), { force: true })));
  return stale.length;
}

export function createIngestRunner(deps: {
  db: Db; log: Logger; dataDir: string; pollIntervalMs: number; limits: IngestLimits; metrics: Metrics; leaseMs: number;
  onIngested: () => void;
}): IngestRunner {
  let running = false;
  let busy: Promise<void> | undefined;
  let wokenWhileBusy = false;
  let timer: NodeJS.Timeout | undefined;
  const shutdown = new AbortController();

  async function drain(): Promise<void> {
    while (running) {
      const upload = await claimIngestJob(deps.db, deps.leaseMs);
      if (!upload) break;
      const file = spoolPath(deps.dataDir, upload.id);
      const totals = await ingestUpload(deps, upload, file, shutdown.signal);
      deps.log.info({ uploadId: upload.id, ...totals }, totals ? 'upload read' : 'upload could not be read');
      // The records are in the store now (or the upload failed): the received file is no longer needed.
      await rm(file, { force: true });
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
    },
  };
}

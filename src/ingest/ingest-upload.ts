// Reads one received file into records: map headings, validate every row, store in blocks, then write the chunk plan.
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { Db, Store } from '../store/db.ts';
import { sessionRowLimit } from '../store/sessions-queries.ts';
import { findDestination } from '../store/templates-queries.ts';
import { addDuplicateErrors, deleteRecords, insertRecordBlock } from '../store/records-queries.ts';
import {
  enterReview, failUpload, recordIngestProgress, writeChunkPlan, type IngestTotals, type UploadRow,
} from '../store/uploads-queries.ts';
import { AppError } from '../errors.ts';
import { UploadStatus } from '../domain/states.ts';
import type { Sniff } from './sniff.ts';
import type { BlockReader } from './block-reader.ts';

export interface IngestLimits { maxRows: number; maxColumns: number; maxUncompressedBytes: number }

export interface IngestDeps {
  store: Store; db: Db; log: Logger; limits: IngestLimits; metrics: Pick<Metrics, 'ingestRows'>; reader: BlockReader;
  /** How long an ingest may go without reporting progress before another process may take it over. */
  leaseMs: number;
}

/**
 * How an ingest ended: read (the upload is in review, delivering, or failed for want of valid rows), failed (the file
 * could not be used; the upload is failed with the reason), or cancelled (it stopped being `ingesting` meanwhile).
 */
export type IngestOutcome =
  | { outcome: 'read'; rows: number; status: UploadStatus; totals: IngestTotals }
  | { outcome: 'failed'; error: string }
  | { outcome: 'cancelled' };

/** The upload was cancelled while it was read: the reading stops, nothing more is written. */
class NoLongerIngesting extends Error {}

/**
 * Ingests one upload. An abort (shutdown) leaves the upload as it is: its lease runs out and it is read again from
 * the start. A cancel, from any process, is noticed at the next block written (each write finds the upload still
 * `ingesting`, or writes nothing) and at every step after the reading.
 */
export async function ingestUpload(
  deps: IngestDeps, upload: UploadRow, openFile: () => Promise<string>, signal: AbortSignal,
): Promise<IngestOutcome> {
  const { db } = deps;
  try {
    const filePath = await openFile();
    // A previous attempt may have stopped half-way: start from a clean slate.
    await deleteRecords(db, upload.id);
    const rowsRead = await readIntoRecords(deps, upload, filePath, signal);
    await recordIngestProgress(db, upload.id, rowsRead, deps.leaseMs);
    if (!upload.autoConfirm) return read(rowsRead, await enterReview(db, upload.id), () => UploadStatus.reviewing);
    const destination = upload.templateId ? await findDestination(db, upload.templateId) : undefined;
    if (!destination) throw new AppError(409, 'destination_missing', 'the template has no webhook destination');
    const planned = await writeChunkPlan(db, upload.id, destination.chunkSize, UploadStatus.ingesting);
    // No valid row: the plan is empty and the upload failed with the reason (the plan's writer decides).
    return read(rowsRead, planned, () => planned!.status);
  } catch (err) {
    if (signal.aborted) throw err;
    if (err instanceof NoLongerIngesting) return { outcome: 'cancelled' };
    const error = err instanceof AppError ? err.message : 'the file could not be read';
    // A file removed by a cancel cannot be read either: then the upload is cancelled, not failed.
    if (!(await failUpload(db, upload.id, error))) return { outcome: 'cancelled' };
    if (!(err instanceof AppError)) deps.log.error({ err, uploadId: upload.id }, 'ingest failed');
    return { outcome: 'failed', error };
  }
}

/** Totals from a step that moves the upload on only while it is `ingesting`: none means it was cancelled. */
function read(rows: number, totals: IngestTotals | undefined, status: (t: IngestTotals) => UploadStatus): IngestOutcome {
  return totals ? { outcome: 'read', rows, status: status(totals), totals } : { outcome: 'cancelled' };
}

async function readIntoRecords(deps: IngestDeps, upload: UploadRow, filePath: string, signal: AbortSignal): Promise<number> {
  const { limits } = deps;
  // An import session may allow fewer rows than the service does.
  const sessionLimit = await sessionRowLimit(deps.db, upload.sessionId);
  const maxRows = Math.min(limits.maxRows, sessionLimit ?? Infinity);
  let rowsRead = 0;
  const blocks = deps.reader.read({
    path: filePath, sniff: upload.fileSniff as Sniff, headerRow: upload.headerRow, keys: upload.mapping ?? [],
    columns: upload.columns, maxRows, read: limits,
  });
  for await (const piece of blocks) {
    signal.throwIfAborted();
    if (piece.kind === 'duplicates') {
      await addDuplicateErrors(deps.store, upload.id, piece.rows);
      continue;
    }
    const { block } = piece;
    if (!(await insertRecordBlock(deps.store, upload.id, block, deps.leaseMs))) throw new NoLongerIngesting();
    rowsRead = block.firstRow + block.rowCount - 1;
    deps.metrics.ingestRows.inc(block.rowCount);
  }
  return rowsRead;
}

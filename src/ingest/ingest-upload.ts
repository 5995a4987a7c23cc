// Reads one received file into records: map headings, validate every row, store in blocks, then write the chunk plan.
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { Db, Store } from '../store/db.ts';
import { findDestination } from '../store/templates-queries.ts';
import { addDuplicateErrors, deleteRecords, insertRecordBlock } from '../store/records-queries.ts';
import {
  enterReview, failUpload, recordIngestProgress, writeChunkPlan, type IngestTotals, type UploadRow,
} from '../store/uploads-queries.ts';
import { AppError } from '../errors.ts';
import { UploadStatus } from '../store/states.ts';
import type { Sniff } from './sniff.ts';
import type { BlockReader } from './block-reader.ts';

export interface IngestLimits { maxRows: number; maxColumns: number; maxUncompressedBytes: number }

export interface IngestDeps {
  store: Store; db: Db; log: Logger; limits: IngestLimits; metrics: Pick<Metrics, 'ingestRows'>; reader: BlockReader;
  /** How long an ingest may go without reporting progress before another process may take it over. */
  leaseMs: number;
}

/**
 * Ingests one upload; undefined when the file could not be used (the upload is then failed with the reason).
 * An abort (shutdown) leaves the upload as it is: its lease runs out and it is read again from the start.
 */
export async function ingestUpload(
  deps: IngestDeps, upload: UploadRow, openFile: () => Promise<string>, signal: AbortSignal,
): Promise<IngestTotals | undefined> {
  const { db } = deps;
  try {
    const filePath = await openFile();
    // A previous attempt may have stopped half-way: start from a clean slate.
    await deleteRecords(db, upload.id);
    const rowsRead = await readIntoRecords(deps, upload, filePath, signal);
    await recordIngestProgress(db, upload.id, rowsRead, deps.leaseMs);
    if (!upload.autoConfirm) return await enterReview(db, upload.id);
    const destination = upload.templateId ? await findDestination(db, upload.templateId) : undefined;
    if (!destination) throw new AppError(409, 'destination_missing', 'the template has no webhook destination');
    return await writeChunkPlan(db, upload.id, destination.chunkSize, UploadStatus.ingesting);
  } catch (err) {
    if (signal.aborted) throw err;
    const message = err instanceof AppError ? err.message : 'the file could not be read';
    if (!(err instanceof AppError)) deps.log.error({ err, uploadId: upload.id }, 'ingest failed');
    await failUpload(db, upload.id, message);
    return undefined;
  }
}

async function readIntoRecords(deps: IngestDeps, upload: UploadRow, filePath: string, signal: AbortSignal): Promise<number> {
  const { limits } = deps;
  let rowsRead = 0;
  const blocks = deps.reader.read({
    path: filePath, sniff: upload.fileSniff as Sniff, headerRow: upload.headerRow, keys: upload.mapping ?? [],
    columns: upload.columns, maxRows: limits.maxRows, read: limits,
  });
  for await (const piece of blocks) {
    signal.throwIfAborted();
    if (piece.kind === 'duplicates') {
      await addDuplicateErrors(deps.store, upload.id, piece.rows);
      continue;
    }
    const { block } = piece;
    await insertRecordBlock(deps.store, upload.id, block, deps.leaseMs);
    rowsRead = block.firstRow + block.rowCount - 1;
    deps.metrics.ingestRows.inc(block.rowCount);
  }
  return rowsRead;
}

// Reads one received file into records: map headings, validate every row, store in blocks, then write the chunk plan.
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { Db } from '../store/db.ts';
import { findDestination } from '../store/templates-queries.ts';
import {
  deleteRecords, enterReview, failUpload, insertRecords, markDuplicates, recordIngestProgress, writeChunkPlan,
  type IngestTotals, type RecordInput, type UploadRow,
} from '../store/uploads-queries.ts';
import { AppError } from '../errors.ts';
import { UploadStatus } from '../store/states.ts';
import { readRows } from './read-rows.ts';
import type { Sniff } from './sniff.ts';
import type { Cell } from './types.ts';
import { compileRowValidator } from './validate-row.ts';

/** Records written per round trip. */
export const RECORD_BLOCK = 1000;

export interface IngestLimits { maxRows: number; maxColumns: number; maxUncompressedBytes: number }

export interface IngestDeps {
  db: Db; log: Logger; limits: IngestLimits; metrics: Pick<Metrics, 'ingestRows'>;
  /** How long an ingest may go without reporting progress before another process may take it over. */
  leaseMs: number;
}

/**
 * Ingests one upload; undefined when the file could not be used (the upload is then failed with the reason).
 * An abort (shutdown) leaves the upload as it is: its lease runs out and it is read again from the start.
 */
export async function ingestUpload(
  deps: IngestDeps, upload: UploadRow, filePath: string, signal: AbortSignal,
): Promise<IngestTotals | undefined> {
  const { db } = deps;
  try {
    // A previous attempt may have stopped half-way: start from a clean slate.
    await deleteRecords(db, upload.id);
    const rowsRead = await readIntoRecords(deps, upload, filePath, signal);
    for (const column of upload.columns.filter((c) => c.unique)) {
      await markDuplicates(db, upload.id, column.key, `${column.name} must be unique: the same value is in an earlier row`);
    }
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
  const { db, limits } = deps;
  const validate = compileRowValidator(upload.columns);
  const keys = upload.mapping ?? [];
  let seen = 0;
  let rowIndex = 0;
  let block: RecordInput[] = [];
  for await (const row of readRows(filePath, upload.fileSniff as Sniff, limits)) {
    // Title rows above the headings, and the headings themselves.
    if (seen++ <= upload.headerRow) continue;
    const cells = cellsByKey(keys, row);
    if (!cells) continue;
    rowIndex += 1;
    if (rowIndex > limits.maxRows) {
      throw new AppError(400, 'too_many_rows', `the file has more than ${limits.maxRows} data rows, the most one upload may have`);
    }
    const { data, errors } = validate(cells);
    block.push({ i: rowIndex, v: errors === null, d: data, e: errors });
    if (block.length === RECORD_BLOCK) {
      signal.throwIfAborted();
      await insertRecords(db, upload.id, block);
      await recordIngestProgress(db, upload.id, rowIndex, deps.leaseMs);
      deps.metrics.ingestRows.inc(block.length);
      block = [];
    }
  }
  if (block.length > 0) {
    await insertRecords(db, upload.id, block);
    deps.metrics.ingestRows.inc(block.length);
  }
  return rowIndex;
}

/** The row's cells under their column keys, or null for a row with nothing in any mapped column. */
function cellsByKey(keys: (string | null)[], row: Cell[]): Record<string, Cell> | null {
  const cells: Record<string, Cell> = {};
  let empty = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === null) continue;
    const cell = row[i] ?? null;
    cells[key] = cell;
    if (cell !== null && !(typeof cell === 'string' && cell.trim() === '')) empty = false;
  }
  return empty ? null : cells;
}

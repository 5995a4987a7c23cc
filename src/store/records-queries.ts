// An upload's records, kept in blocks of consecutive rows (record_blocks): written a block at a time by ingest,
// read a row, a page or a chunk at a time by review and delivery, rewritten a block at a time by edits.
import { sql, type SQL } from 'drizzle-orm';
import { prepared, rows, type Db, type Store } from './db.ts';
import type { RawRow } from './wire-messages.ts';
import { blockOf, type DuplicateRows, type RecordBlockInput } from './record-block.ts';
import { ChunkStatus, UploadStatus } from '../domain/states.ts';

/**
 * `row` is the record's number among the data rows, its id; `sheetRow` the row as the spreadsheet shows it (null for
 * records read before that was kept).
 */
export interface StoredRecord { row: number; sheetRow: number | null; valid: boolean; data: Record<string, unknown>; errors: Record<string, string> | null }

export type RecordFilter = 'all' | 'valid' | 'invalid';

// The sheet rows come as the text of an int[]: as bytes, a parameter of type text reaches either driver as its text.
const INSERT_BLOCK = prepared('sheethook_insert_record_block', ['uuid', 'int', 'int', 'int', 'text', 'jsonb', 'int', 'int', 'int', 'text'], `
  WITH live AS (
    UPDATE uploads SET rows_read = $3::int + $4::int - 1, lease_until = now() + $9::int * interval '1 millisecond', updated_at = now()
    WHERE id = $1::uuid AND status = '${UploadStatus.ingesting}'
    RETURNING id
  )
  INSERT INTO record_blocks (upload_id, block, first_row, row_count, lines, errors, valid_count, invalid_count, sheet_rows)
  SELECT $1::uuid, $2::int, $3::int, $4::int, $5::text, $6::jsonb, $7::int, $8::int, $10::text::int[] FROM live
  RETURNING block`);

/**
 * Writes one block as ingest made it (its text goes to the database as the bytes the reading thread encoded) and, in
 * the same statement, the upload's progress: the rows read so far, and its lease renewed for `leaseMs`. Only while the
 * upload is being read: false, and nothing written, once it is not (cancelled), whichever process reads it.
 */
export async function insertRecordBlock(store: Store, uploadId: string, b: RecordBlockInput, leaseMs: number): Promise<boolean> {
  return store.readRaw(INSERT_BLOCK, [
    uploadId, b.block, b.firstRow, b.rowCount, b.text, b.errorsJson, b.validCount, b.invalidCount, leaseMs, b.sheetRows,
  ], (written) => written.length > 0);
}

export async function deleteRecords(db: Db, uploadId: string): Promise<void> {
  await db.execute(sql`DELETE FROM record_blocks WHERE upload_id = ${uploadId}`);
}

export async function recordCounts(db: Db, uploadId: string): Promise<{ valid: number; invalid: number }> {
  const [counts] = await rows<{ valid: number; invalid: number }>(db, sql`
    SELECT coalesce(sum(valid_count), 0)::int AS valid, coalesce(sum(invalid_count), 0)::int AS invalid
    FROM record_blocks WHERE upload_id = ${uploadId}`);
  return counts;
}

const ONLY: Record<RecordFilter, SQL> = {
  all: sql``,
  valid: sql`AND NOT b.errors ? (b.first_row + l.n - 1)::text`,
  invalid: sql`AND b.errors ? (b.first_row + l.n - 1)::text`,
};

/**
 * The rows of some blocks, one per line: row number, its JSON text, its messages (null when valid). Deleted rows
 * are left out; the database splits the blocks, so only the rows asked for cross over.
 */
function blockLines(uploadId: string, blocks: SQL, filter: RecordFilter, rowRange: SQL = sql``) {
  return sql`
    SELECT (b.first_row + l.n - 1)::int AS rn, b.sheet_rows[l.n] AS sheet_row, l.line, b.errors -> (b.first_row + l.n - 1)::text AS errors
    FROM record_blocks b CROSS JOIN LATERAL unnest(string_to_array(b.lines, E'\n')) WITH ORDINALITY AS l(line, n)
    WHERE b.upload_id = ${uploadId} AND ${blocks} AND l.line <> '' ${ONLY[filter]} ${rowRange}`;
}

interface LineRow { rn: number; sheet_row: number | null; line: string; errors: Record<string, string> | null }

const toRecord = (r: LineRow): StoredRecord => ({
  row: r.rn, sheetRow: r.sheet_row, valid: r.errors === null, data: JSON.parse(r.line), errors: r.errors,
});

const intArray = (values: number[]) => `{${values.join(',')}}`;

/**
 * A page of records in row order; `offset` counts the records the filter lets through, and `total` is how many it
 * lets through in all, summed from the blocks' counts without reading a row.
 */
export async function listRecords(
  db: Db, uploadId: string, filter: RecordFilter, offset: number, limit: number,
): Promise<{ records: StoredRecord[]; total: number }> {
  const counted = filter === 'all' ? sql`valid_count + invalid_count` : filter === 'valid' ? sql`valid_count` : sql`invalid_count`;
  const blocks = await rows<{ block: number; n: number }>(db, sql`
    SELECT block, (${counted})::int AS n FROM record_blocks WHERE upload_id = ${uploadId} AND (${counted}) > 0 ORDER BY block`);
  const total = blocks.reduce((sum, b) => sum + b.n, 0);
  // The blocks the page falls in, and how many of the first one's records come before it.
  let skip = offset;
  let start = 0;
  while (start < blocks.length && skip >= blocks[start].n) skip -= blocks[start++].n;
  const wanted: number[] = [];
  for (let i = start, n = -skip; i < blocks.length && n < limit; i++) {
    wanted.push(blocks[i].block);
    n += blocks[i].n;
  }
  if (wanted.length === 0) return { records: [], total };
  const found = await rows<LineRow>(db, sql`
    ${blockLines(uploadId, sql`b.block = ANY(${intArray(wanted)}::int[])`, filter)}
    ORDER BY 1 OFFSET ${skip} LIMIT ${limit}`);
  return { records: found.map(toRecord), total };
}

export async function findRecord(db: Db, uploadId: string, row: number): Promise<StoredRecord | undefined> {
  const [found] = await rows<LineRow>(db, blockLines(uploadId, sql`b.block = ${blockOf(row)}`, 'all', sql`AND l.n = ${row} - b.first_row + 1`));
  return found && toRecord(found);
}

const RANGE_BLOCKS = prepared('sheethook_range_blocks', ['uuid', 'int', 'int'], `
  SELECT first_row, lines, ARRAY(SELECT k::int FROM jsonb_object_keys(errors) k) AS invalid
  FROM record_blocks WHERE upload_id = $1 AND block BETWEEN $2 AND $3 ORDER BY block`);

const numbers = new TextDecoder();
const NEWLINE = 0x0a;

/**
 * The valid records of a row range, each as the UTF-8 bytes of its JSON, in row order, given to `use`. They are cut
 * out of the blocks' bytes as the database sends them, never decoded, and are views of a buffer the store uses again
 * once `use` returns: a chunk's records are copied into its request body there, as they are.
 */
export async function rangeRecords<T>(
  store: Pick<Store, 'readRaw'>, { uploadId, firstRow, lastRow }: { uploadId: string; firstRow: number; lastRow: number },
  use: (records: Uint8Array[]) => T,
): Promise<T> {
  return store.readRaw(RANGE_BLOCKS, [uploadId, blockOf(firstRow), blockOf(lastRow)], (blocks) => use(pickRecords(blocks, firstRow, lastRow)));
}

function pickRecords(blocks: RawRow[], firstRow: number, lastRow: number): Uint8Array[] {
  const picked: Uint8Array[] = [];
  for (const [firstRowText, lines, invalidText] of blocks) {
    const blockFirst = Number(numbers.decode(firstRowText!));
    // An int[] in its text form: {} or {3,17}.
    const invalid = new Set(numbers.decode(invalidText!).slice(1, -1).split(',').filter(Boolean).map(Number));
    const from = Math.max(0, firstRow - blockFirst);
    const until = lastRow - blockFirst;
    let start = 0;
    for (let i = 0; start <= lines!.length && i <= until; i++) {
      let end = lines!.indexOf(NEWLINE, start);
      if (end === -1) end = lines!.length;
      // A deleted row's line is empty.
      if (i >= from && end > start && !invalid.has(blockFirst + i)) picked.push(lines!.subarray(start, end));
      start = end + 1;
    }
  }
  return picked;
}

/** Whether a valid record other than `row` has this value in the column `key`. */
export async function valueTakenElsewhere(db: Db, uploadId: string, row: number, key: string, value: unknown): Promise<boolean> {
  const wanted = JSON.stringify(value);
  // The value as it appears in a record's JSON narrows the search to the blocks that can hold it.
  const needle = `${JSON.stringify(key)}:${wanted}`;
  const candidates = await rows<LineRow>(db, sql`
    SELECT * FROM (${blockLines(uploadId, sql`strpos(b.lines, ${needle}) > 0`, 'valid', sql`AND b.first_row + l.n - 1 <> ${row}`)}) x
    WHERE strpos(x.line, ${needle}) > 0`);
  return candidates.some((c) => JSON.stringify(JSON.parse(c.line)[key]) === wanted);
}

/**
 * The valid records holding any of these values in the column `key`: their row numbers by the value's JSON. One
 * search for many values, where `valueTakenElsewhere` is one for each.
 */
export async function rowsHoldingValues(db: Db, uploadId: string, key: string, values: unknown[]): Promise<Map<string, number[]>> {
  const held = new Map<string, number[]>();
  const wanted = new Set(values.map((v) => JSON.stringify(v)));
  if (wanted.size === 0) return held;
  // Each value as it appears in a record's JSON, as a LIKE pattern: only the lines that can hold one are parsed.
  const patterns = [...wanted].map((w) => `%${`${JSON.stringify(key)}:${w}`.replace(/[\\%_]/g, '\\$&')}%`);
  const any = sql`ANY(ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(patterns)}::jsonb)))`;
  const candidates = await rows<LineRow>(db, sql`
    SELECT * FROM (${blockLines(uploadId, sql`b.lines LIKE ${any}`, 'valid')}) x WHERE x.line LIKE ${any}`);
  for (const c of candidates) {
    const value = JSON.stringify(JSON.parse(c.line)[key]);
    if (wanted.has(value)) held.set(value, [...(held.get(value) ?? []), c.rn]);
  }
  return held;
}

/** The numbers of the blocks holding records the filter lets through, in order: a walk through an upload's records. */
export async function recordBlockNumbers(db: Db, uploadId: string, filter: RecordFilter): Promise<number[]> {
  const counted = filter === 'all' ? sql`valid_count + invalid_count` : filter === 'valid' ? sql`valid_count` : sql`invalid_count`;
  const found = await rows<{ block: number }>(db, sql`
    SELECT block FROM record_blocks WHERE upload_id = ${uploadId} AND (${counted}) > 0 ORDER BY block`);
  return found.map((b) => b.block);
}

/** The records of one block that the filter lets through, in row order. */
export async function blockRecords(db: Db, uploadId: string, block: number, filter: RecordFilter): Promise<StoredRecord[]> {
  const found = await rows<LineRow>(db, sql`${blockLines(uploadId, sql`b.block = ${block}`, filter)} ORDER BY 1`);
  return found.map(toRecord);
}

const ADD_DUPLICATES = prepared('sheethook_add_duplicate_errors', ['uuid', 'int', 'jsonb', 'int'], `
  UPDATE record_blocks SET errors = errors || $3, valid_count = valid_count - $4, invalid_count = invalid_count + $4
  WHERE upload_id = $1 AND block = $2`);

/**
 * Adds the messages of a block's rows found to repeat an earlier row's unique value. Each such row was valid until
 * now: it moves from the block's valid count to its invalid one.
 */
export async function addDuplicateErrors(store: Pick<Store, 'write'>, uploadId: string, d: DuplicateRows): Promise<void> {
  await store.write(ADD_DUPLICATES, [uploadId, d.block, d.errorsJson, d.count]);
}

interface BlockForUpdate {
  firstRow: number;
  rowCount: number;
  /** One per row of the block, '' for a deleted one. */
  lines: string[];
  errors: Record<string, Record<string, string>>;
  deleted: number[];
}

/**
 * Locks a block and reads it for a change. Its text comes a line to a row, split by the database: a block's whole
 * text would be one string of a few hundred kilobytes, which the collector keeps in its old generation, and an edit
 * walking every block would leave a thousand of them behind.
 */
async function lockBlock(tx: Db, uploadId: string, block: number): Promise<BlockForUpdate | undefined> {
  const [found] = await rows<Omit<BlockForUpdate, 'lines'>>(tx, sql`
    SELECT first_row AS "firstRow", row_count AS "rowCount", errors, deleted FROM record_blocks
    WHERE upload_id = ${uploadId} AND block = ${block} FOR UPDATE`);
  if (!found) return undefined;
  const split = await rows<{ line: string }>(tx, sql`
    SELECT l.line FROM record_blocks b CROSS JOIN LATERAL unnest(string_to_array(b.lines, E'\n')) WITH ORDINALITY AS l(line, n)
    WHERE b.upload_id = ${uploadId} AND b.block = ${block} ORDER BY l.n`);
  // A block of one deleted row is the empty text, which splits into no line at all.
  const lines = split.length === 0 ? Array<string>(found.rowCount).fill('') : split.map((l) => l.line);
  return { ...found, lines };
}

/** Writes a block's lines back, each its own parameter, joined by the database (no block-sized string here either). */
async function saveBlock(tx: Db, uploadId: string, block: number, b: BlockForUpdate): Promise<void> {
  const { lines } = b;
  let invalid = 0;
  for (const row of Object.keys(b.errors)) if (lines[Number(row) - b.firstRow] !== '') invalid++;
  const live = lines.reduce((n, line) => n + (line === '' ? 0 : 1), 0);
  await tx.execute(sql`
    UPDATE record_blocks SET lines = array_to_string(ARRAY[${sql.join(lines.map((line) => sql`${line}`), sql`, `)}]::text[], E'\n'),
      errors = ${JSON.stringify(b.errors)}::jsonb,
      deleted = ${intArray(b.deleted)}::int[], valid_count = ${live - invalid}, invalid_count = ${invalid}
    WHERE upload_id = ${uploadId} AND block = ${block}`);
}

/**
 * Replaces one record in its block, inside the caller's transaction; whether the row was there (and not deleted)
 * before, and its validity before the change.
 */
export async function rewriteRecord(tx: Db, uploadId: string, record: StoredRecord): Promise<{ wasValid: boolean } | undefined> {
  const block = blockOf(record.row);
  const b = await lockBlock(tx, uploadId, block);
  if (!b) return undefined;
  const { lines } = b;
  const at = record.row - b.firstRow;
  if (at >= lines.length || lines[at] === '') return undefined;
  const wasValid = !(String(record.row) in b.errors);
  lines[at] = JSON.stringify(record.data);
  delete b.errors[record.row];
  if (record.errors !== null) b.errors[record.row] = record.errors;
  await saveBlock(tx, uploadId, block, b);
  return { wasValid };
}

/**
 * Rewrites some records of one block inside the caller's transaction: `edit` gets the block's records (deleted rows
 * left out, and those whose JSON `mayChange` says no to; `sheetRow` not read, as an edit does not change it) and
 * answers the ones it changed. How many changed, and how many more are valid than before; undefined when the block is
 * not there.
 */
export async function rewriteBlock(
  tx: Db, uploadId: string, block: number, edit: (records: StoredRecord[]) => Promise<StoredRecord[]>,
  mayChange: (line: string) => boolean = () => true,
): Promise<{ changed: number; validDelta: number } | undefined> {
  const b = await lockBlock(tx, uploadId, block);
  if (!b) return undefined;
  const { lines } = b;
  const records: StoredRecord[] = [];
  lines.forEach((line, at) => {
    if (line === '' || !mayChange(line)) return;
    const row = b.firstRow + at;
    const errors = b.errors[row] ?? null;
    records.push({ row, sheetRow: null, valid: errors === null, data: JSON.parse(line), errors });
  });
  const changed = await edit(records);
  let validDelta = 0;
  for (const record of changed) {
    const at = record.row - b.firstRow;
    validDelta += Number(record.valid) - Number(!(String(record.row) in b.errors));
    lines[at] = JSON.stringify(record.data);
    delete b.errors[record.row];
    if (record.errors !== null) b.errors[record.row] = record.errors;
  }
  if (changed.length > 0) await saveBlock(tx, uploadId, block, b);
  return { changed: changed.length, validDelta };
}

/** Deletes records by row number inside the caller's transaction; the rows that were there, and whether each was valid. */
export async function eraseRecords(tx: Db, uploadId: string, rowNumbers: number[]): Promise<{ row: number; valid: boolean }[]> {
  const byBlock = new Map<number, number[]>();
  for (const row of new Set(rowNumbers)) byBlock.set(blockOf(row), [...(byBlock.get(blockOf(row)) ?? []), row]);
  const erased: { row: number; valid: boolean }[] = [];
  for (const [block, wanted] of [...byBlock].sort((a, b) => a[0] - b[0])) {
    const b = await lockBlock(tx, uploadId, block);
    if (!b) continue;
    const { lines } = b;
    let changed = false;
    for (const row of wanted) {
      const at = row - b.firstRow;
      if (at >= lines.length || lines[at] === '') continue;
      erased.push({ row, valid: !(String(row) in b.errors) });
      lines[at] = '';
      delete b.errors[row];
      b.deleted.push(row);
      changed = true;
    }
    if (changed) await saveBlock(tx, uploadId, block, b);
  }
  return erased.sort((a, b) => a.row - b.row);
}

/** Pages written by one statement: each statement stays short, whatever the number of pages. */
const CHUNK_PLAN_BATCH = 2000;

/**
 * Writes the chunk plan inside the caller's transaction: the valid records in row order, `chunkSize` to a page,
 * each page with its row range. Reads only the blocks' counts and the row numbers that are not valid.
 */
export async function insertChunkPlan(tx: Db, uploadId: string, chunkSize: number): Promise<void> {
  const blocks = await rows<{ firstRow: number; rowCount: number; validCount: number; skipped: number[] }>(tx, sql`
    SELECT first_row AS "firstRow", row_count AS "rowCount", valid_count AS "validCount",
      ARRAY(SELECT k::int FROM jsonb_object_keys(errors) k) || deleted AS skipped
    FROM record_blocks WHERE upload_id = ${uploadId} AND valid_count > 0 ORDER BY block`);
  let pages: { p: number; f: number; l: number; n: number }[] = [];
  const flush = async () => {
    if (pages.length === 0) return;
    await tx.execute(sql`
      INSERT INTO chunks (upload_id, page, first_row, last_row, record_count, webhook_id, status)
      SELECT ${uploadId}, p.p, p.f, p.l, p.n, 'msg_' || replace(gen_random_uuid()::text, '-', ''), ${ChunkStatus.pending}
      FROM json_to_recordset(${JSON.stringify(pages)}::json) AS p(p int, f int, l int, n int)`);
    pages = [];
  };
  let page: { p: number; f: number; l: number; n: number } | undefined;
  let pageNumber = 0;
  for (const b of blocks) {
    const skipped = new Set(b.skipped);
    for (let row = b.firstRow; row < b.firstRow + b.rowCount; row++) {
      if (skipped.has(row)) continue;
      if (!page || page.n === chunkSize) {
        // Every page written so far is full.
        if (pages.length === CHUNK_PLAN_BATCH) await flush();
        page = { p: ++pageNumber, f: row, l: row, n: 0 };
        pages.push(page);
      }
      page.l = row;
      page.n++;
    }
  }
  await flush();
}

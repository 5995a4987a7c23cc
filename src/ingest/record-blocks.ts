// The file's data rows as blocks of validated records, serialized the way the store keeps them.
import { AppError } from '../errors.ts';
import { BlockText, RECORD_BLOCK, type IngestPiece, type RecordBlockInput } from '../store/record-block.ts';
import { readRowBatches, type ReadRowsOptions } from './read-rows.ts';
import type { Sniff } from './sniff.ts';
import type { Column } from '../domain/column.ts';
import { collectUniqueValues } from './validate/unique-values.ts';
import { compileHeadingRowValidator } from './validate/validate-row.ts';

/** Room for the first block's text; each next one gets a little more than the one before took. */
const FIRST_BLOCK_ROOM = 64 * 1024;

export interface BlockSource {
  path: string;
  sniff: Sniff;
  /** Rows above the data: title rows and the headings, counted from 0. */
  headerRow: number;
  /** The column key each heading maps to, by heading index; null for a heading left out. */
  keys: (string | null)[];
  columns: Column[];
  maxRows: number;
  read: ReadRowsOptions;
}

/**
 * Reads, maps and validates every data row; one block per RECORD_BLOCK rows (the last one shorter). A row with
 * nothing in any mapped column is skipped and gets no number. Each line keeps the row number the reader gave it, as
 * the spreadsheet shows it. A block's text is encoded into a buffer taken from `spares` when there is one (buffers of
 * blocks already written, given back), else into a new one. After the last block, the rows that repeat an earlier
 * valid row's value in a unique column, block by block: a value's first valid row keeps it.
 */
export async function* readRecordBlocks(source: BlockSource, spares: ArrayBuffer[] = []): AsyncGenerator<IngestPiece> {
  const unique = collectUniqueValues(source.columns);
  try {
    const lastRow = yield* readBlocks(source, spares, unique?.add);
    if (unique) for (const rows of unique.duplicates(lastRow)) yield { kind: 'duplicates', rows };
  } finally {
    unique?.discard();
  }
}

async function* readBlocks(
  source: BlockSource, spares: ArrayBuffer[], addUnique: ((row: number, data: Record<string, unknown>) => void) | undefined,
): AsyncGenerator<IngestPiece, number> {
  const validate = compileHeadingRowValidator(source.columns, source.keys);
  const { maxRows, headerRow } = source;
  let seen = 0;
  let rowIndex = 0;
  let room = FIRST_BLOCK_ROOM;
  /** The block being filled; made with its first record. */
  let text: BlockText | undefined;
  let sheetRows: number[] = [];
  let errors: Record<number, Record<string, string>> = {};
  let invalid = 0;
  const block = (): RecordBlockInput => {
    const rowCount = text!.lines;
    const bytes = text!.finish(`{${sheetRows.join(',')}}`);
    const firstRow = rowIndex - rowCount + 1;
    const done = {
      block: (firstRow - 1) / RECORD_BLOCK, firstRow, rowCount, text: bytes.text, sheetRows: bytes.after,
      errorsJson: invalid === 0 ? '{}' : JSON.stringify(errors), validCount: rowCount - invalid, invalidCount: invalid,
    };
    const used = bytes.text.length + bytes.after.length;
    room = used + (used >> 3);
    text = undefined;
    sheetRows = [];
    errors = {};
    invalid = 0;
    return done;
  };
  for await (const batch of readRowBatches(source.path, source.sniff, source.read)) {
    const { rows } = batch;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      // Title rows above the headings, and the headings themselves.
      if (seen++ <= headerRow) continue;
      const result = validate(row);
      if (result === null) continue;
      rowIndex += 1;
      if (rowIndex > maxRows) {
        throw new AppError(400, 'too_many_rows', `the file has more than ${maxRows} data rows, the most one upload may have`);
      }
      text ??= new BlockText(spares.pop() ?? new ArrayBuffer(room));
      text.add(JSON.stringify(result.data));
      sheetRows.push(batch.sheetRows[i]);
      if (result.errors !== null) {
        errors[rowIndex] = result.errors;
        invalid++;
      } else {
        addUnique?.(rowIndex, result.data);
      }
      if (text.lines === RECORD_BLOCK) yield { kind: 'records', block: block() };
    }
  }
  if (text) yield { kind: 'records', block: block() };
  return rowIndex;
}

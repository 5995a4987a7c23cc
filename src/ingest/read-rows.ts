// Every non-blank row of an uploaded file, header row included, streamed whatever the file's size.

import { csvRowBatches } from './csv/csv-rows.ts';
import { assertFieldSizes, assertRowWidth, DEFAULT_MAX_COLUMNS, DEFAULT_MAX_FIELD_BYTES, isBlankRow } from './validate/row-checks.ts';
import type { Sniff } from './sniff.ts';
import type { Cell, RowBatch } from './types.ts';
import { xlsxRowBatches } from './xlsx/xlsx-rows.ts';

export interface ReadRowsOptions {
  /** A longer field fails the upload with field_too_large rather than exhausting memory. */
  maxFieldBytes?: number;
  /** A wider row fails the upload with too_many_columns (400); 2000 when not given. */
  maxColumns?: number;
  /** XLSX only: what the zip's parts may unpack to in all; more fails with file_too_large (400). 2 GiB when not given. */
  maxUncompressedBytes?: number;
}

/**
 * Rows come in batches of the rows ready at once (a consumer of millions of rows waits once per batch, not per row), as
 * the consumer asks; stopping early (break, return, throw) closes the file, and a damaged file rejects the iteration
 * with file_unreadable. Each row comes with its number as a spreadsheet shows it: an XLSX row's own number, a CSV
 * row's place among the file's records counting blank lines (a quoted field's line breaks stay inside its row, as
 * Excel opens it).
 */
export async function* readRowBatches(path: string, sniff: Sniff, options: ReadRowsOptions = {}): AsyncIterable<RowBatch> {
  const maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  const maxColumns = options.maxColumns ?? DEFAULT_MAX_COLUMNS;
  if (sniff.format === 'xlsx') {
    for await (const batch of xlsxRowBatches(path, sniff.sheet, { maxColumns, maxUncompressedBytes: options.maxUncompressedBytes })) {
      for (const row of batch.rows) assertFieldSizes(row, maxFieldBytes);
      yield batch;
    }
    return;
  }
  let sheetRow = 0;
  for await (const batch of csvRowBatches(path, sniff.encoding, sniff.delimiter, maxFieldBytes, maxColumns)) {
    const rows: Cell[][] = [];
    const sheetRows: number[] = [];
    for (const row of batch) {
      sheetRow++;
      if (isBlankRow(row)) continue;
      // The text scan before parsing can lose count in a malformed file; the parsed row cannot.
      assertRowWidth(row, maxColumns);
      assertFieldSizes(row, maxFieldBytes);
      rows.push(row);
      sheetRows.push(sheetRow);
    }
    if (rows.length > 0) yield { rows, sheetRows };
  }
}

// Every non-blank row of an uploaded file, header row included, streamed whatever the file's size.

import { csvRows } from './csv-rows.ts';
import { assertFieldSizes, DEFAULT_MAX_FIELD_BYTES, isBlankRow } from './row-checks.ts';
import type { Sniff } from './sniff.ts';
import type { Cell } from './types.ts';
import { xlsxRows } from './xlsx-rows.ts';

export interface ReadRowsOptions {
  /** A longer field fails the upload with field_too_large rather than exhausting memory. */
  maxFieldBytes?: number;
}

/**
 * Rows come one at a time as the consumer asks; stopping early (break, return, throw) closes
 * the file. A damaged file rejects the iteration with file_unreadable.
 */
export async function* readRows(path: string, sniff: Sniff, options: ReadRowsOptions = {}): AsyncIterable<Cell[]> {
  const maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  if (sniff.format === 'xlsx') {
    for await (const row of xlsxRows(path, sniff.sheet)) {
      assertFieldSizes(row, maxFieldBytes);
      yield row;
    }
    return;
  }
  for await (const row of csvRows(path, sniff.encoding, sniff.delimiter, maxFieldBytes)) {
    if (isBlankRow(row)) continue;
    assertFieldSizes(row, maxFieldBytes);
    yield row;
  }
}

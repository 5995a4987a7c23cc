// Every non-blank row of a file one at a time, header row included, as the reading tests look at them: the service reads
// in batches (readRowBatches), and this flattens them without changing what is read or when the file closes.

import { readRowBatches, type ReadRowsOptions } from '../../src/ingest/read-rows.ts';
import type { Sniff } from '../../src/ingest/sniff.ts';
import type { Cell } from '../../src/ingest/types.ts';

/**
 * Rows come one at a time as the consumer asks; stopping early (break, return, throw) closes
 * the file. A damaged file rejects the iteration with file_unreadable.
 */
export async function* readRows(path: string, sniff: Sniff, options: ReadRowsOptions = {}): AsyncIterable<Cell[]> {
  for await (const batch of readRowBatches(path, sniff, options)) yield* batch.rows;
}

// How records are grouped into blocks: shared by the store and by ingest, which builds blocks off the database.

/** Rows per block: a million-row file is a thousand writes. */
export const RECORD_BLOCK = 1000;

/** The 0-based block holding a 1-based row. */
export const blockOf = (row: number) => Math.floor((row - 1) / RECORD_BLOCK);

/** One block as ingest produces it: the records already serialized, one line each. */
export interface RecordBlockInput {
  block: number;
  firstRow: number;
  rowCount: number;
  /** The records as JSON, one per line, in row order. */
  lines: string;
  /** The invalid rows' messages by row number, as JSON. */
  errorsJson: string;
  validCount: number;
  invalidCount: number;
}

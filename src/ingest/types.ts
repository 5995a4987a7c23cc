// The shapes ingest's readers hand over: raw cells as parsers produce them, and rows in batches.

/** A cell as a parser hands it over: text from CSV, typed values from XLSX. */
export type Cell = string | number | boolean | Date | null;

/** Rows as a reader hands them over, blank ones left out, with each row's number as a spreadsheet shows it (from 1). */
export interface RowBatch {
  rows: Cell[][];
  sheetRows: number[];
}

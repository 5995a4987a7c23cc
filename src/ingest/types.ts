// The shapes ingest works with: template columns, and raw cells as parsers produce them.

export const COLUMN_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'email', 'select', 'regex'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface Column {
  key: string;
  name: string;
  type: ColumnType;
  required: boolean;
  unique: boolean;
  alternateKeys: string[];
  selectValues?: string[];
  regex?: string;
}

/** A cell as a parser hands it over: text from CSV, typed values from XLSX. */
export type Cell = string | number | boolean | Date | null;

export type FileFormat = 'csv' | 'xlsx';

// Checks every parsed row goes through, whatever the file format.

import { AppError } from '../../errors.ts';
import { isEmptyCell } from '../cell-text.ts';
import type { Cell } from '../types.ts';

/** Far above Excel's own cell limit (32,767 characters), far below what would hurt memory. */
export const DEFAULT_MAX_FIELD_BYTES = 1024 * 1024;

/** Blank lines and rows of empty cells carry nothing to import; spreadsheets are full of them. */
export function isBlankRow(row: readonly Cell[]): boolean {
  for (let i = 0; i < row.length; i++) if (!isEmptyCell(row[i])) return false;
  return true;
}

export const fieldTooLarge = (maxFieldBytes: number, hint = '') =>
  new AppError(400, 'field_too_large', `The file has a field larger than ${maxFieldBytes} bytes${hint}`);

export function assertFieldSizes(row: readonly Cell[], maxFieldBytes: number): void {
  for (let i = 0; i < row.length; i++) {
    const cell = row[i];
    // A UTF-16 unit is 1 to 3 UTF-8 bytes, so only strings in between need counting.
    if (typeof cell !== 'string' || cell.length * 3 <= maxFieldBytes) continue;
    if (cell.length > maxFieldBytes || Buffer.byteLength(cell) > maxFieldBytes) throw fieldTooLarge(maxFieldBytes);
  }
}

/** Far wider than any real table; a wider row is a damaged or hostile file, and each column costs memory per row. */
export const DEFAULT_MAX_COLUMNS = 2000;

/** `atLeast` when the row was stopped before its end was seen. */
export const tooManyColumns = (maxColumns: number, width: number, atLeast = false) =>
  new AppError(400, 'too_many_columns', `The file has a row of ${atLeast ? 'at least ' : ''}${width} columns; at most ${maxColumns} are allowed`);

export function assertRowWidth(row: readonly Cell[], maxColumns: number): void {
  if (row.length > maxColumns) throw tooManyColumns(maxColumns, row.length);
}

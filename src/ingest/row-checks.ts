// Checks every parsed row goes through, whatever the file format.

import { AppError } from '../errors.ts';
import { isEmptyCell } from './cell-text.ts';
import type { Cell } from './types.ts';

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

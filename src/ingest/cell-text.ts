// How a typed cell reads as text, for headings and for columns that deliver text.

import { formatDate } from './validate/iso-date.ts';
import type { Cell } from './types.ts';

export function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell;
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : formatDate(cell);
  return String(cell);
}

/** True for a cell a person would call empty: nothing, or only whitespace. */
export function isEmptyCell(cell: Cell | undefined): boolean {
  if (cell === null || cell === undefined) return true;
  return typeof cell === 'string' && cell.trim() === '';
}

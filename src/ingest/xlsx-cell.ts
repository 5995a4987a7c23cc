// Turns the values exceljs's streaming reader gives into plain cells.

import type { Row } from 'exceljs';
import type { Cell } from './types.ts';

// exceljs's own test for a date number format: date letters outside quoted text and [brackets].
function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[ymdhMsb]/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

const excelSerialToDate = (serial: number, date1904: boolean) =>
  new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));

function richText(runs: readonly { text?: string | null }[]): string {
  let text = '';
  for (const run of runs) text += run.text ?? '';
  return text;
}

function toCell(value: unknown, row: Row, col: number, date1904: boolean): Cell {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      break;
    default:
      return null;
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.richText)) return richText(v.richText);
  // A cell of a shared formula other than its first comes as { formula: '', result }, so look for the keys, not their truth.
  if ('formula' in v || 'sharedFormula' in v || 'result' in v) {
    const result = v.result;
    // The streaming reader leaves a formula's cached result as a raw number even in a date-formatted cell.
    if (typeof result === 'number' && Number.isFinite(result) && isDateFormat(row.getCell(col).numFmt)) return excelSerialToDate(result, date1904);
    // Error results (#DIV/0!) come back as NaN or { error }; both become null here.
    return toCell(result, row, col, date1904);
  }
  if ('hyperlink' in v && 'text' in v) return toCell(v.text, row, col, date1904);
  // { error: '#N/A' } and anything unforeseen.
  return null;
}

/** A dense row: exceljs's row.values is 1-based and sparse. */
export function rowCells(row: Row, date1904: boolean): Cell[] {
  const values = row.values as unknown[];
  const cells: Cell[] = new Array(Math.max(values.length - 1, 0)).fill(null);
  for (let col = 1; col < values.length; col++) {
    const value = values[col];
    if (value === undefined || value === null) continue;
    cells[col - 1] = toCell(value, row, col, date1904);
  }
  return cells;
}

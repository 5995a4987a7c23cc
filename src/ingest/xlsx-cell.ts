// Turns the values exceljs's streaming reader gives into plain cells.

import type { Row } from 'exceljs';
import type { Cell } from './types.ts';

/**
 * Cells reach exceljs in plain form (see xlsx-plain-xml): no formula, rich text or phonetic reading, so a value is
 * a string, a number, a boolean, a date (a number in a date format), or an error such as { error: '#N/A' }.
 */
function toCell(value: unknown): Cell {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    default:
      return value instanceof Date && !Number.isNaN(value.getTime()) ? value : null;
  }
}

/** A dense row: exceljs's row.values is 1-based and sparse. */
export function rowCells(row: Row): Cell[] {
  const values = row.values as unknown[];
  const cells: Cell[] = new Array(Math.max(values.length - 1, 0)).fill(null);
  for (let col = 1; col < values.length; col++) {
    const value = values[col];
    if (value === undefined || value === null) continue;
    cells[col - 1] = toCell(value);
  }
  return cells;
}

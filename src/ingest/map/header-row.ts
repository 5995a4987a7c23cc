// Which of a file's first rows holds the headings, so that title rows and notes above them are skipped.

import { isEmptyCell } from '../cell-text.ts';
import { compileHeadingMatcher, CONFIDENT_MATCH } from './map-headings.ts';
import type { Column } from '../../domain/column.ts';
import type { Cell } from '../types.ts';

/** Rows looked at: a header further down than this is not guessed. */
export const HEADER_SEARCH_ROWS = 20;

/** Text a heading could be: a string with a letter in it. Numbers, dates and codes like '2024-01-31' are data. */
const isHeadingText = (cell: Cell) => typeof cell === 'string' && /\p{L}/u.test(cell);

function filledCount(row: readonly Cell[]): number {
  let count = 0;
  for (const cell of row) if (!isEmptyCell(cell)) count++;
  return count;
}

/**
 * The index, among the given rows (the file's first non-blank ones), of the header row: the one
 * whose cells best match the template's columns, the earliest on a tie, counting only the matches
 * an import would apply. When no row matches any column, the first row that looks like headings:
 * all its cells text, and at least half as many as the widest row has. 0 when nothing looks so.
 */
export function detectHeaderRow(rows: Cell[][], columns: readonly Column[]): number {
  const count = Math.min(rows.length, HEADER_SEARCH_ROWS);
  const match = compileHeadingMatcher(columns);
  let best = -1;
  let bestScore = 0;
  for (let i = 0; i < count; i++) {
    let score = 0;
    for (const s of match(rows[i]).suggestions) if (s.key !== null && s.confidence >= CONFIDENT_MATCH) score += s.confidence;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  }
  if (best !== -1) return best;

  let widest = 0;
  for (let i = 0; i < count; i++) widest = Math.max(widest, filledCount(rows[i]));
  for (let i = 0; i < count; i++) {
    const filled = filledCount(rows[i]);
    if (filled > 0 && filled * 2 >= widest && rows[i].every((cell) => isEmptyCell(cell) || isHeadingText(cell))) return i;
  }
  return 0;
}

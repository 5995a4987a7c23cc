// Which worksheet of a workbook an upload reads: the one named, the only one with rows, or the one whose headings
// best match the template's columns.
import { AppError } from '../errors.ts';
import { HEADER_SEARCH_ROWS } from './map/header-row.ts';
import { compileHeadingMatcher } from './map/map-headings.ts';
import { readRowBatches, type ReadRowsOptions } from './read-rows.ts';
import type { SheetChoice } from './sniff.ts';
import type { Column } from '../domain/column.ts';
import type { Cell } from './types.ts';
import { listWorksheets } from './xlsx/xlsx-rows.ts';

/** Sheets whose heads are compared when none is named: a workbook with more is judged by its first ones. */
export const MAX_SHEETS_COMPARED = 12;

export interface SheetSelection {
  sheet: string;
  /** The visible worksheets, in the workbook's order; hidden ones are left out (a hidden sheet is read only when named). */
  sheets: string[];
  sheetChosen: SheetChoice;
}

const sameSheetName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();
export const quotedNames = (names: readonly string[]) => names.map((name) => `"${name}"`).join(', ');

/** The first rows of one sheet, blank ones left out: as many as the header row is looked for in. */
async function sheetHead(path: string, sheet: string, limits: ReadRowsOptions): Promise<Cell[][]> {
  const head: Cell[][] = [];
  for await (const batch of readRowBatches(path, { format: 'xlsx', sheet }, limits)) {
    head.push(...batch.rows);
    if (head.length >= HEADER_SEARCH_ROWS) break;
  }
  return head.slice(0, HEADER_SEARCH_ROWS);
}

/**
 * Picks the sheet to read. Named: that sheet (hidden ones too), or 400 sheet_not_found naming the sheets there are.
 * Else among the visible sheets with rows, the one with the heading row whose suggested columns add up to the most
 * confidence, the first on a tie; the first with rows when no heading matches a column.
 */
export async function chooseSheet(path: string, columns: readonly Column[], limits: ReadRowsOptions, named?: string): Promise<SheetSelection> {
  const worksheets = await listWorksheets(path, limits);
  const sheets = worksheets.filter((sheet) => !sheet.hidden).map((sheet) => sheet.name);
  if (named !== undefined) {
    const found = worksheets.find((sheet) => sameSheetName(sheet.name, named));
    if (!found) {
      throw new AppError(400, 'sheet_not_found', `the workbook has no sheet named "${named}"; its sheets are ${quotedNames(sheets)}: send sheet=<name> with one of them`);
    }
    return { sheet: found.name, sheets, sheetChosen: 'given' };
  }
  if (sheets.length === 0) {
    throw new AppError(400, 'file_empty', `the workbook's sheets are all hidden: send sheet=<name> to read one of ${quotedNames(worksheets.map((s) => s.name))}`);
  }
  if (sheets.length === 1) return { sheet: sheets[0], sheets, sheetChosen: 'only' };

  const match = compileHeadingMatcher(columns);
  const withRows: { sheet: string; score: number }[] = [];
  for (const sheet of sheets.slice(0, MAX_SHEETS_COMPARED)) {
    const head = await sheetHead(path, sheet, limits);
    if (head.length === 0) continue;
    let score = 0;
    for (const row of head) {
      let rowScore = 0;
      for (const suggestion of match(row).suggestions) if (suggestion.key !== null) rowScore += suggestion.confidence;
      score = Math.max(score, rowScore);
    }
    withRows.push({ sheet, score });
  }
  if (withRows.length === 0) return { sheet: sheets[0], sheets, sheetChosen: 'first' };
  if (withRows.length === 1) return { sheet: withRows[0].sheet, sheets, sheetChosen: 'only' };
  let best = withRows[0];
  for (const candidate of withRows) if (candidate.score > best.score) best = candidate;
  return { sheet: best.sheet, sheets, sheetChosen: best.score > 0 ? 'best_match' : 'first' };
}

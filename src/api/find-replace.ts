// Find and replace in one column of an upload in review, a block of records at a time, each changed row validated again.
import { compileRowValidator, type ValidatedRow } from '../ingest/validate-row.ts';
import type { Cell, Column } from '../ingest/types.ts';
import type { Db } from '../store/db.ts';
import { recordBlockNumbers, rowsHoldingValues, type StoredRecord } from '../store/records-queries.ts';
import { editBlock } from '../store/review-queries.ts';
import { toCell, withUniqueChecked } from './record-check.ts';

export interface Replacement { column: Column; find: string; replace: string; matchCase: boolean; wholeCell: boolean }

/** The cell as a person sees it: empty for no value, a multi-select's values joined by its delimiter. */
const cellText = (value: unknown, column: Column): string => {
  const cell = toCell(value, column);
  return cell === null ? '' : String(cell);
};

/** The text with the replacement made (the same text when `find` is not in it). */
function replacer({ find, replace, matchCase, wholeCell }: Replacement): (text: string) => string {
  const escaped = find.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(wholeCell ? `^${escaped}$` : escaped, matchCase ? 'gu' : 'giu');
  // A function, so a `$` in the replacement is taken as it is.
  return (text) => text.replace(pattern, () => replace);
}

/**
 * Makes the replacement in every record of the upload, one block's transaction at a time, so that memory holds one
 * block and other requests are answered between blocks. Answers how many rows changed; undefined when the upload left
 * review meanwhile.
 */
export async function replaceInColumn(db: Db, uploadId: string, columns: Column[], r: Replacement): Promise<number | undefined> {
  const validate = compileRowValidator(columns);
  const change = replacer(r);
  let rowsChanged = 0;
  for (const block of await recordBlockNumbers(db, uploadId, 'all')) {
    const changed = await editBlock(db, uploadId, block, async (tx, records) => {
      const edits: { record: StoredRecord; validated: ValidatedRow }[] = [];
      for (const record of records) {
        const before = cellText(record.data[r.column.key], r.column);
        const text = change(before);
        if (text === before) continue;
        const cells: Record<string, Cell> = {};
        for (const column of columns) cells[column.key] = column.key === r.column.key ? text : toCell(record.data[column.key], column);
        edits.push({ record, validated: validate(cells) });
      }
      return checkUnique(tx, uploadId, columns, r.column, edits);
    });
    if (changed === undefined) return undefined;
    rowsChanged += changed;
  }
  return rowsChanged;
}

/**
 * The edited records with the unique columns checked as an edit of one row checks them, with one search of the
 * upload per unique column for the whole block. Only the values that can clash are looked for: the replaced column's,
 * and those of rows invalid before (a valid row's other values are its own already). Rows of the block whose replaced
 * value changes do not count with their old value; a value given to a row earlier in the block counts.
 */
async function checkUnique(
  tx: Db, uploadId: string, columns: Column[], replaced: Column, edits: { record: StoredRecord; validated: ValidatedRow }[],
): Promise<StoredRecord[]> {
  const unique = columns.filter((c) => c.unique);
  const mayClash = (c: Column, e: (typeof edits)[number]) => c.key === replaced.key || !e.record.valid;
  const held = new Map<string, Map<string, number[]>>();
  for (const column of unique) {
    const values = edits.filter((e) => mayClash(column, e) && !e.validated.errors?.[column.key]).map((e) => e.validated.data[column.key])
      .filter((v) => v !== null && v !== '');
    held.set(column.key, await rowsHoldingValues(tx, uploadId, column.key, values));
  }
  const edited = new Set(edits.map((e) => e.record.row));
  const givenHere = new Set<string>();
  const results: StoredRecord[] = [];
  for (const e of edits) {
    const { row } = e.record;
    const checked = await withUniqueChecked(columns, e.validated, async (key, value) => {
      const column = unique.find((c) => c.key === key)!;
      if (!mayClash(column, e)) return false;
      const json = JSON.stringify(value);
      const holders = held.get(key)?.get(json) ?? [];
      return givenHere.has(JSON.stringify([key, json]))
        || holders.some((other) => other !== row && !(key === replaced.key && edited.has(other)));
    });
    if (checked.valid) for (const c of unique) givenHere.add(JSON.stringify([c.key, JSON.stringify(checked.data[c.key])]));
    results.push({ row, sheetRow: e.record.sheetRow, ...checked });
  }
  return results;
}

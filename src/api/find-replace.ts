// Find and replace in one column of an upload in review, a block of records at a time, each changed row validated again.
import { compileRowValidator } from '../ingest/validate-row.ts';
import type { Cell, Column } from '../ingest/types.ts';
import type { Db } from '../store/db.ts';
import { recordBlockNumbers, rowsHoldingValue, type StoredRecord } from '../store/records-queries.ts';
import { editBlock } from '../store/review-queries.ts';
import { checkRecord, toCell } from './record-check.ts';

export interface Replacement { column: Column; find: string; replace: string; matchCase: boolean; wholeCell: boolean }

/** The cell as a person sees it: empty for no value, a multi-select's values joined by its delimiter. */
const cellText = (value: unknown, column: Column): string => {
  const cell = toCell(value, column);
  return cell === null ? '' : String(cell);
};

/** The text with the replacement made, or undefined when `find` is not in it. */
function replacer({ find, replace, matchCase, wholeCell }: Replacement): (text: string) => string | undefined {
  const escaped = find.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(wholeCell ? `^${escaped}$` : escaped, matchCase ? 'gu' : 'giu');
  return (text) => {
    pattern.lastIndex = 0;
    if (!pattern.test(text)) return undefined;
    pattern.lastIndex = 0;
    // A function, so a `$` in the replacement is taken as it is.
    return text.replace(pattern, () => replace);
  };
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
      const edits: { record: StoredRecord; text: string }[] = [];
      for (const record of records) {
        const text = change(cellText(record.data[r.column.key], r.column));
        if (text !== undefined && text !== cellText(record.data[r.column.key], r.column)) edits.push({ record, text });
      }
      const editedRows = edits.map((e) => e.record.row);
      // Values of unique columns given to valid rows earlier in this block: not in the store until the block is saved.
      const givenHere = new Set<string>();
      const results: StoredRecord[] = [];
      for (const { record, text } of edits) {
        const cells: Record<string, Cell> = {};
        for (const column of columns) cells[column.key] = column.key === r.column.key ? text : toCell(record.data[column.key], column);
        const checked = await checkRecord(columns, validate, cells, async (key, value) =>
          givenHere.has(JSON.stringify([key, value]))
          // The stored rows of this block being edited hold their old values: they do not count.
          || (await rowsHoldingValue(tx, uploadId, key, value, editedRows)).length > 0);
        if (checked.valid) for (const c of columns) if (c.unique) givenHere.add(JSON.stringify([c.key, checked.data[c.key]]));
        results.push({ row: record.row, sheetRow: record.sheetRow, ...checked });
      }
      return results;
    });
    if (changed === undefined) return undefined;
    rowsChanged += changed;
  }
  return rowsChanged;
}

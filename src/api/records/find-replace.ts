// Find and replace in one column of an upload in review, a block of records at a time, each changed row validated again.
import { compileRowValidator, type ValidatedRow } from '../../ingest/validate/validate-row.ts';
import type { Column } from '../../domain/column.ts';
import type { Cell } from '../../ingest/types.ts';
import type { Db } from '../../store/db.ts';
import { findRecord, recordBlockNumbers, rowsHoldingValues, type StoredRecord } from '../../store/records-queries.ts';
import { editBlock } from '../../store/review-queries.ts';
import { RECORD_BLOCK } from '../../store/record-block.ts';
import { toCell, withUniqueChecked } from './record-check.ts';
import { SEVERAL, UniqueIndex } from './unique-index.ts';

type Edit = { record: StoredRecord; validated: ValidatedRow };

export interface Replacement { column: Column; find: string; replace: string; matchCase: boolean; wholeCell: boolean }

/** The cell as a person sees it: empty for no value, a multi-select's values joined by its delimiter. */
const cellText = (value: unknown, column: Column): string => {
  const cell = toCell(value, column);
  return cell === null ? '' : String(cell);
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The text with the replacement made (the same text when `find` is not in it). */
function replacer({ find, replace, matchCase, wholeCell }: Replacement): (text: string) => string {
  const escaped = escapeRegExp(find);
  const pattern = new RegExp(wholeCell ? `^${escaped}$` : escaped, matchCase ? 'gu' : 'giu');
  // A function, so a `$` in the replacement is taken as it is.
  return (text) => text.replace(pattern, () => replace);
}

/**
 * Whether a record's JSON can hold a cell the replacement changes: the records that cannot are not parsed. `find` is
 * in the JSON as it is in the cell unless JSON escapes one of its characters (quotes, backslashes, control
 * characters, lone surrogates) or the cell joins a multi-select's values, which the JSON keeps apart: then every
 * record is looked at.
 */
function prefilter({ column, find, matchCase }: Replacement): ((line: string) => boolean) | undefined {
  if (column.multiSelect || /["\\\u0000-\u001f]|\p{Cs}/u.test(find)) return undefined;
  const pattern = new RegExp(escapeRegExp(find), matchCase ? 'u' : 'iu');
  return (line) => pattern.test(line);
}

/**
 * Makes the replacement in every record of the upload, one block's transaction at a time, so that memory holds one
 * block and other requests are answered between blocks. Answers how many rows changed; undefined when the upload left
 * review meanwhile.
 */
export async function replaceInColumn(db: Db, uploadId: string, columns: Column[], r: Replacement): Promise<number | undefined> {
  const validate = compileRowValidator(columns);
  const change = replacer(r);
  const mayChange = prefilter(r);
  let rowsChanged = 0;
  const indexes = new Map<string, UniqueIndex>();
  // Made before the first block's transaction, so that reading the upload holds no lock; another unique column's is
  // made only when a row invalid before needs it.
  if (r.column.unique) indexes.set(r.column.key, await UniqueIndex.build(db, uploadId, r.column.key));
  for (const block of await recordBlockNumbers(db, uploadId, 'all')) {
    const changed = await editBlock(db, uploadId, block, async (tx, records) => {
      const edits: Edit[] = [];
      for (const record of records) {
        const before = cellText(record.data[r.column.key], r.column);
        const text = change(before);
        if (text === before) continue;
        const cells: Record<string, Cell> = {};
        for (const column of columns) cells[column.key] = column.key === r.column.key ? text : toCell(record.data[column.key], column);
        edits.push({ record, validated: validate(cells) });
      }
      // The rows after this block's have their values before the replacement still.
      const changesLater = (row: number, value: unknown) => row > (block + 1) * RECORD_BLOCK
        && change(cellText(value, r.column)) !== cellText(value, r.column);
      return checkUnique(tx, uploadId, columns, r.column, edits, indexes, changesLater);
    }, mayChange);
    if (changed === undefined) return undefined;
    rowsChanged += changed;
  }
  return rowsChanged;
}

/**
 * The edited records with the unique columns checked as an edit of one row checks them, each value looked up in an
 * index of the column's values (made at the first block that needs it) and confirmed in the store. Only the values
 * that can clash are looked up: the replaced column's, and those of rows invalid before (a valid row's other values
 * are its own already). Rows whose replaced value changes do not count with their old value, in this block or in one
 * still to come (`changesLater`: the replacement is made in every row at once); a value given to a row earlier in the
 * block counts.
 */
async function checkUnique(
  tx: Db, uploadId: string, columns: Column[], replaced: Column, edits: Edit[], indexes: Map<string, UniqueIndex>,
  changesLater: (row: number, value: unknown) => boolean,
): Promise<StoredRecord[]> {
  const unique = columns.filter((c) => c.unique);
  const mayClash = (c: Column, e: Edit) => c.key === replaced.key || !e.record.valid;
  for (const column of unique) {
    if (!indexes.has(column.key) && edits.some((e) => mayClash(column, e))) {
      indexes.set(column.key, await UniqueIndex.build(tx, uploadId, column.key));
    }
  }
  const edited = new Set(edits.map((e) => e.record.row));
  const givenHere = new Set<string>();
  const results: StoredRecord[] = [];
  for (const e of edits) {
    const { row } = e.record;
    const checked = await withUniqueChecked(columns, e.validated, async (key, value) => {
      const column = unique.find((c) => c.key === key)!;
      if (!mayClash(column, e)) return false;
      if (givenHere.has(JSON.stringify([key, value]))) return true;
      const counts = (other: number) => other !== row
        && !(key === replaced.key && (edited.has(other) || changesLater(other, value)));
      const holder = indexes.get(key)!.holder(value);
      if (holder === undefined || (holder !== SEVERAL && !counts(holder))) return false;
      // One row has a value of this hash: it holds this value if its record says so.
      if (holder !== SEVERAL) {
        const record = await findRecord(tx, uploadId, holder);
        return record !== undefined && record.valid && JSON.stringify(record.data[key]) === JSON.stringify(value);
      }
      const held = await rowsHoldingValues(tx, uploadId, key, [value]);
      return (held.get(JSON.stringify(value)) ?? []).some(counts);
    });
    if (checked.valid) for (const c of unique) givenHere.add(JSON.stringify([c.key, checked.data[c.key]]));
    results.push({ row, sheetRow: e.record.sheetRow, ...checked });
  }
  // The index follows the block's changes, for the blocks after it.
  for (const [key, index] of indexes) {
    for (const e of edits) if (e.record.valid) index.remove(e.record.data[key], e.record.row);
    for (const r of results) if (r.valid) index.add(r.data[key], r.row);
  }
  return results;
}

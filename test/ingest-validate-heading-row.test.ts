// compileHeadingRowValidator reads each row's record straight from the file's cells by heading: the same record, value
// for value and message for message, that compileRowValidator gives for the same cells by key.

import { describe, expect, it } from 'vitest';
import type { Column, ColumnType } from '../src/domain/column.ts';
import type { Cell } from '../src/ingest/types.ts';
import { compileHeadingRowValidator, compileRowValidator } from '../src/ingest/validate/validate-row.ts';

const column = (key: string, type: ColumnType, extra: Partial<Column> = {}): Column => ({
  key, name: extra.name ?? key, type, required: false, unique: false, alternateKeys: [], ...extra,
});

const columns: Column[] = [
  column('id', 'integer', { required: true }),
  column('name', 'string', { required: true, maxLength: 20 }),
  column('email', 'email'),
  column('balance', 'number', { min: -1e9 }),
  column('joined', 'date', { dateFormats: ['DD/MM/YYYY'] }),
  column('active', 'boolean'),
  column('zip', 'regex', { regex: '^\\d{5}$' }),
  column('plan', 'select', { selectValues: ['Free', 'Pro'] }),
  column('tags', 'select', { selectValues: ['a', 'b'], multiSelect: true, delimiter: '|' }),
  column('country', 'string', { defaultValue: 'NL' }),
  column('__proto__', 'string'),
];
/** Headings as a file has them: one left out (null), and the columns in another order than the template's. */
const keys = ['name', null, 'id', 'email', 'balance', 'joined', 'active', 'zip', 'plan', 'tags', 'country', '__proto__'];

function byKey(row: readonly Cell[]): Record<string, Cell> {
  const cells: Record<string, Cell> = {};
  keys.forEach((key, i) => { if (key !== null) Object.defineProperty(cells, key, { value: row[i] ?? null, enumerable: true }); });
  return cells;
}

const validate = compileHeadingRowValidator(columns, keys);

const rows: Cell[][] = [
  ['Ann', 'x', '1', 'ann@example.com', '1234.5', '2024-02-29', 'true', '01234', 'pro', 'a|b', '', 'x'],
  ['  Zoë "Z" Łukasz, 東京 😀 ', '', ' 2 ', 'zoë@exämple.de', '-0', '31/12/1999', 'No', '12345', 'FREE', ' b | a |b', 'BE', ''],
  ['lone \ud800 surrogate\n\ttab', '', '3', 'not an email', '1.50', '2024-02-30', 'maybe', '1234', 'gold', 'a|c', null, null],
  ['', '', '4.5', '', '0.0000001', '2024-01-01T10:00:00+02:00', '0', '', '', '|', '', ''],
  ['far too long a name for the rule', '', 'x', '', '123456789012345678', '', '', '', '', '', '', ''],
  ['n', '', '5', '', '1e3', '', '', '', '', '', '', ''],
  [7, '', 8, '', 0.1, new Date(Date.UTC(2020, 4, 17)), true, 12345, 'Pro', '', '', ''],
];

describe('a record from cells by heading', () => {
  it.each(rows.map((row, i) => [i, row] as const))('row %i is what the validator makes of the same cells by key', (_i, row) => {
    const byHeading = validate(row);
    const { data, errors } = compileRowValidator(columns)(byKey(row));
    expect(byHeading).not.toBeNull();
    expect(JSON.stringify(byHeading!.data)).toBe(JSON.stringify(data));
    expect(byHeading!.errors).toEqual(errors);
  });

  it('has the keys in the template order, whatever the order of the headings', () => {
    expect(Object.keys(validate(rows[0])!.data)).toEqual(columns.map((c) => c.key));
  });

  it('keeps text exactly, types numbers, booleans and dates, and keeps the raw cell of an invalid one', () => {
    expect(validate(rows[0])!.data).toMatchObject({ id: 1, name: 'Ann', balance: 1234.5, joined: '2024-02-29', active: true, zip: '01234', plan: 'Pro', tags: ['a', 'b'], country: 'NL' });
    expect(validate(rows[1])!.data).toMatchObject({ name: '  Zoë "Z" Łukasz, 東京 😀 ', id: 2, email: 'zoë@exämple.de', balance: -0, joined: '1999-12-31', active: false, plan: 'Free', tags: ['b', 'a'], country: 'BE' });
    const third = validate(rows[2])!;
    expect(third.data).toMatchObject({ name: 'lone \ud800 surrogate\n\ttab', email: 'not an email', balance: 1.5, joined: '2024-02-30', active: 'maybe', zip: '1234', plan: 'gold' });
    expect(Object.keys(third.errors!)).toEqual(['name', 'email', 'joined', 'active', 'zip', 'plan', 'tags']);
    expect(validate(rows[6])!.data).toMatchObject({ id: 8, name: '7', joined: '2020-05-17', active: true, zip: '12345', plan: 'Pro' });
  });

  it('gives null for a row with nothing in any mapped heading', () => {
    expect(validate(['', 'only in a heading left out', ' ', '', '', '', '', '', '', '', '', ''])).toBeNull();
  });

  it('counts a heading that feeds no column of the template as content', () => {
    const partial = compileHeadingRowValidator([column('a', 'string')], ['a', 'gone']);
    expect(partial(['', 'here'])).toEqual({ data: { a: null }, errors: null });
    expect(partial([' ', ''])).toBeNull();
  });
});

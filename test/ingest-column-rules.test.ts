// Column rules beyond the type: bounds, lengths, date formats, multi-select cells and defaults, and the template checks on them.

import { describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.ts';
import { columnRuleProblem } from '../src/ingest/validate/column-rules.ts';
import type { Column, ColumnType } from '../src/domain/column.ts';
import type { Cell } from '../src/ingest/types.ts';
import { characterCount, compileRowValidator } from '../src/ingest/validate/validate-row.ts';

const column = (key: string, type: ColumnType, extra: Partial<Column> = {}): Column => ({
  key, name: extra.name ?? key[0].toUpperCase() + key.slice(1), type, required: false, unique: false, alternateKeys: [], ...extra,
});

/** Validates one cell in a one-column template. */
function one(type: ColumnType, cell: Cell | undefined, extra: Partial<Column> = {}) {
  const cells: Record<string, Cell> = cell === undefined ? {} : { value: cell };
  const { data, errors } = compileRowValidator([column('value', type, extra)])(cells);
  return { value: data.value, error: errors?.value ?? null };
}

describe('min and max', () => {
  const age = { name: 'Age', min: 18, max: 65 };

  it('accepts values on and between the bounds', () => {
    expect(one('integer', '18', age)).toEqual({ value: 18, error: null });
    expect(one('integer', 65, age)).toEqual({ value: 65, error: null });
    expect(one('number', '40.5', age)).toEqual({ value: 40.5, error: null });
  });

  it('names the bound a value breaks, keeping the value as it was typed', () => {
    expect(one('integer', '17', age)).toEqual({ value: '17', error: 'Age must be at least 18' });
    expect(one('integer', 66, age)).toEqual({ value: 66, error: 'Age must be at most 65' });
    expect(one('number', '-0.5', { name: 'Price', min: 0 })).toEqual({ value: '-0.5', error: 'Price must be at least 0' });
  });

  it('still reports a value that is no number as such', () => {
    expect(one('integer', 'old', age).error).toBe('Age must be a whole number');
  });
});

describe('minLength and maxLength', () => {
  it('bounds the delivered text of string, email and regex columns', () => {
    const code = { name: 'Code', minLength: 3, maxLength: 5 };
    expect(one('string', 'abc', code)).toEqual({ value: 'abc', error: null });
    expect(one('string', 'ab', code)).toEqual({ value: 'ab', error: 'Code must be at least 3 characters' });
    expect(one('string', 'abcdef', code)).toEqual({ value: 'abcdef', error: 'Code must be at most 5 characters' });
    expect(one('email', ' a@example.com ', { name: 'Mail', maxLength: 13 })).toEqual({ value: 'a@example.com', error: null });
    expect(one('email', 'ab@example.com', { name: 'Mail', maxLength: 13 }).error).toBe('Mail must be at most 13 characters');
    expect(one('regex', '12', { regex: '^\\d+$', minLength: 1, maxLength: 1, name: 'Digit' }).error).toBe('Digit must be at most 1 character');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(characterCount('a😀b')).toBe(3);
    expect(one('string', '😀😀', { maxLength: 2 }).error).toBeNull();
    expect(one('string', '😀😀😀', { maxLength: 2 }).error).toBe('Value must be at most 2 characters');
    expect(one('string', '😀', { minLength: 2 }).error).toBe('Value must be at least 2 characters');
    expect(one('string', 'éé', { minLength: 2, maxLength: 2 }).error).toBeNull();
  });
});

describe('dateFormats', () => {
  const born = { name: 'Born', dateFormats: ['DD/MM/YYYY', 'MM-DD-YY', 'D.M.YYYY', 'YYYY-MM-DD HH:mm'] };

  it.each([
    ['15/01/2024', '2024-01-15'],
    ['01-15-24', '2024-01-15'],
    ['12-31-99', '1999-12-31'],
    ['3.7.2024', '2024-07-03'],
    ['29/02/2024', '2024-02-29'],
    ['2024-03-01 09:05', '2024-03-01T09:05:00.000Z'],
    // The ISO forms are tried first and still work.
    ['2024-03-01', '2024-03-01'],
    ['2024-03-01T10:15Z', '2024-03-01T10:15:00.000Z'],
  ])('reads %j as %j', (cell, expected) => {
    expect(one('date', cell, born)).toEqual({ value: expected, error: null });
  });

  it.each(['29/02/2023', '31/04/2024', '13-01-24', '15/1/2024', '2024-03-01 24:00', '1.13.2024', 'yesterday'])('rejects %j, naming the formats', (cell) => {
    expect(one('date', cell, born)).toEqual({ value: cell, error: 'Born must be a date (YYYY-MM-DD, DD/MM/YYYY, MM-DD-YY, D.M.YYYY, YYYY-MM-DD HH:mm)' });
  });

  it('tries the formats in order: an ambiguous date takes the first that fits', () => {
    expect(one('date', '02/03/2024', { dateFormats: ['MM/DD/YYYY', 'DD/MM/YYYY'] }).value).toBe('2024-02-03');
    expect(one('date', '02/03/2024', { dateFormats: ['DD/MM/YYYY', 'MM/DD/YYYY'] }).value).toBe('2024-03-02');
    expect(one('date', '13/03/2024', { dateFormats: ['MM/DD/YYYY', 'DD/MM/YYYY'] }).value).toBe('2024-03-13');
  });

  it('reads two-digit years 69-99 as the 1900s and 00-68 as the 2000s', () => {
    const short = { dateFormats: ['DD/MM/YY'] };
    expect(one('date', '01/01/68', short).value).toBe('2068-01-01');
    expect(one('date', '01/01/69', short).value).toBe('1969-01-01');
    expect(one('date', '29/02/00', short).value).toBe('2000-02-29');
  });

  it('reads formats without separators and with a literal T', () => {
    expect(one('date', '20240229', { dateFormats: ['YYYYMMDD'] }).value).toBe('2024-02-29');
    expect(one('date', '20230229', { dateFormats: ['YYYYMMDD'] }).error).not.toBeNull();
    expect(one('date', '2024-02-29T23:59:59', { dateFormats: ['YYYY-MM-DDTHH:mm:ss'] }).value).toBe('2024-02-29T23:59:59.000Z');
  });

  it('takes regex characters in a format literally', () => {
    expect(one('date', '2024.01.05', { dateFormats: ['YYYY.MM.DD'] }).value).toBe('2024-01-05');
    expect(one('date', '2024x01x05', { dateFormats: ['YYYY.MM.DD'] }).error).not.toBeNull();
  });

  it('reads seconds and single-digit hours', () => {
    expect(one('date', '7/4/2024 9:05:30', { dateFormats: ['M/D/YYYY H:mm:ss'] }).value).toBe('2024-07-04T09:05:30.000Z');
  });

  it('refuses to compile a format it cannot read', () => {
    expect(() => compileRowValidator([column('d', 'date', { dateFormats: ['dd/mm/yyyy'] })])).toThrow(AppError);
  });
});

describe('multiSelect', () => {
  const colours = { name: 'Colours', selectValues: ['Red', 'Green', 'Blue'], multiSelect: true };

  it('delivers the listed spellings of each part, trimmed, empty parts dropped', () => {
    expect(one('select', ' red , BLUE,,', colours)).toEqual({ value: ['Red', 'Blue'], error: null });
    expect(one('select', 'green', colours)).toEqual({ value: ['Green'], error: null });
  });

  it('delivers a value once however often it is listed', () => {
    expect(one('select', 'Red, red, Blue', colours).value).toEqual(['Red', 'Blue']);
  });

  it('names the parts that are not allowed', () => {
    expect(one('select', 'Red, Purple, Teal', colours)).toEqual({
      value: 'Red, Purple, Teal',
      error: 'Colours must each be one of: Red, Green, Blue; not allowed: Purple, Teal',
    });
  });

  it('splits on the delimiter given', () => {
    expect(one('select', 'Red; Green', { ...colours, delimiter: ';' }).value).toEqual(['Red', 'Green']);
    expect(one('select', 'Red, Green', { ...colours, delimiter: ';' }).error).toMatch(/not allowed: Red, Green$/);
  });

  it('treats a cell of only delimiters as empty', () => {
    expect(one('select', ' , ,', colours)).toEqual({ value: null, error: null });
    expect(one('select', ',', { ...colours, required: true })).toEqual({ value: null, error: 'Colours is required' });
  });

  it('leaves single selects as they were', () => {
    expect(one('select', 'Red, Blue', { selectValues: ['Red', 'Blue'], name: 'C' }).error).toBe('C must be one of: Red, Blue');
  });
});

describe('defaultValue', () => {
  it('fills an empty or missing cell, typed like a cell', () => {
    expect(one('integer', '', { defaultValue: '7' })).toEqual({ value: 7, error: null });
    expect(one('integer', undefined, { defaultValue: 7 })).toEqual({ value: 7, error: null });
    expect(one('boolean', null, { defaultValue: 'yes' })).toEqual({ value: true, error: null });
    expect(one('date', '  ', { defaultValue: '31/12/2024', dateFormats: ['DD/MM/YYYY'] })).toEqual({ value: '2024-12-31', error: null });
    expect(one('string', null, { defaultValue: 42 })).toEqual({ value: '42', error: null });
  });

  it('keeps a required column with a default from failing as empty', () => {
    expect(one('string', '', { required: true, defaultValue: 'n/a' })).toEqual({ value: 'n/a', error: null });
  });

  it('does not replace a cell that has a value, even an invalid one', () => {
    expect(one('integer', '3', { defaultValue: 7 }).value).toBe(3);
    expect(one('integer', 'x', { defaultValue: 7, name: 'N' })).toEqual({ value: 'x', error: 'N must be a whole number' });
  });

  it('gives each row its own copy of a multi-select default', () => {
    const validate = compileRowValidator([column('tags', 'select', { selectValues: ['a', 'b'], multiSelect: true, defaultValue: 'a,b' })]);
    const first = validate({}).data.tags as string[];
    first.push('changed');
    expect(validate({}).data.tags).toEqual(['a', 'b']);
  });

  it('refuses to compile a default that breaks the column rules', () => {
    expect(() => compileRowValidator([column('n', 'integer', { defaultValue: 'many' })])).toThrow(/default value that is not valid: N must be a whole number/);
    expect(() => compileRowValidator([column('n', 'integer', { defaultValue: 3, min: 5 })])).toThrow(/at least 5/);
  });
});

describe('columnRuleProblem', () => {
  it.each<[Partial<Column> & { type: ColumnType }, string, RegExp]>([
    [{ type: 'integer', min: 10, max: 5 }, 'min', /min \(10\) is greater than max \(5\)/],
    [{ type: 'string', min: 1 }, 'min', /number and integer columns only/],
    [{ type: 'date', max: 1 }, 'max', /not to a date column/],
    [{ type: 'string', minLength: 5, maxLength: 2 }, 'minLength', /greater than maxLength/],
    [{ type: 'integer', maxLength: 3 }, 'maxLength', /string and email and regex/],
    [{ type: 'string', dateFormats: ['DD/MM/YYYY'] }, 'dateFormats', /date columns only/],
    [{ type: 'date', dateFormats: ['DD/MM/YYYY', 'dd/mm/yyyy'] }, 'dateFormats/1', /"d" is not a token/],
    [{ type: 'date', dateFormats: ['MM/YYYY'] }, 'dateFormats/0', /needs a year .* a month .* and a day/],
    [{ type: 'date', dateFormats: ['DD/MM/YYYY/YY'] }, 'dateFormats/0', /repeats/],
    [{ type: 'date', dateFormats: ['YYYY-MM-DD mm'] }, 'dateFormats/0', /minutes \(mm\) need hours/],
    [{ type: 'string', multiSelect: true }, 'multiSelect', /select columns only/],
    [{ type: 'select', selectValues: ['a'], delimiter: ';' }, 'delimiter', /multiSelect columns only/],
    [{ type: 'select', selectValues: ['a', 'b,c'], multiSelect: true }, 'selectValues/1', /contains the delimiter ","/],
    [{ type: 'integer', defaultValue: 'ten' }, 'defaultValue', /"ten" is not valid: Value must be a whole number/],
    [{ type: 'integer', min: 1, defaultValue: 0 }, 'defaultValue', /at least 1/],
    [{ type: 'select', selectValues: ['a'], defaultValue: 'b' }, 'defaultValue', /one of: a/],
    [{ type: 'string', defaultValue: '  ' }, 'defaultValue', /empty default/],
    [{ type: 'string', defaultValue: {} as unknown as string }, 'defaultValue', /string, a number or a boolean/],
  ])('%j is refused at %s', (settings, field, message) => {
    const problem = columnRuleProblem(column('value', settings.type, settings));
    expect(problem?.field).toBe(field);
    expect(problem?.message).toMatch(message);
  });

  it.each<Partial<Column> & { type: ColumnType }>([
    { type: 'integer', min: 5, max: 5, defaultValue: 5 },
    { type: 'string', minLength: 0, maxLength: 10, defaultValue: 'x' },
    { type: 'date', dateFormats: ['DD/MM/YYYY', 'YYYY-MM-DDTHH:mm:ss'], defaultValue: '01/02/2024' },
    { type: 'select', selectValues: ['a', 'b'], multiSelect: true, delimiter: '|', defaultValue: 'a|b' },
    { type: 'string', multiSelect: false },
    { type: 'boolean', defaultValue: false },
  ])('%j is accepted', (settings) => {
    expect(columnRuleProblem(column('value', settings.type, settings))).toBeNull();
  });
});

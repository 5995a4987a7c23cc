// compileRowValidator types each cell by its column, and names what is wrong with each invalid one.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.ts';
import type { Column, ColumnType } from '../src/domain/column.ts';
import type { Cell } from '../src/ingest/types.ts';
import { compileRowValidator } from '../src/ingest/validate/validate-row.ts';

const column = (key: string, type: ColumnType, extra: Partial<Column> = {}): Column => ({
  key, name: extra.name ?? key[0].toUpperCase() + key.slice(1), type, required: false, unique: false, alternateKeys: [], ...extra,
});

/** Validates one cell in a one-column template. */
function one(type: ColumnType, cell: Cell, extra: Partial<Column> = {}) {
  const { data, errors } = compileRowValidator([column('value', type, extra)])({ value: cell });
  return { value: data.value, error: errors?.value ?? null };
}

describe('the record', () => {
  const columns = [column('name', 'string', { required: true }), column('age', 'integer'), column('email', 'email')];
  const validate = compileRowValidator(columns);

  it('has every column key in template order, null for missing cells', () => {
    const { data, errors } = validate({ email: 'a@example.com', name: 'Ann' });
    expect(Object.keys(data)).toEqual(['name', 'age', 'email']);
    expect(data).toEqual({ name: 'Ann', age: null, email: 'a@example.com' });
    expect(errors).toBeNull();
  });

  it('takes cells from a Map as well as from an object', () => {
    const { data } = validate(new Map<string, Cell>([['name', 'Bo'], ['age', '41']]));
    expect(data).toEqual({ name: 'Bo', age: 41, email: null });
  });

  it('does not take inherited properties for cells', () => {
    const validateOdd = compileRowValidator([column('constructor', 'string', { required: true })]);
    expect(validateOdd({}).errors).toEqual({ constructor: 'Constructor is required' });
  });

  it('keeps a "__proto__" key as an ordinary property', () => {
    const { data } = compileRowValidator([column('__proto__', 'string')])({ ['__proto__']: 'x' } as Record<string, Cell>);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__']);
  });

  it('keeps keys that would be code if written into a literal as they are, each an ordinary property', () => {
    const keys = ['a"b', "c'd", 'e\\f', '"}; throw new Error("x"); ({"', 'line\nbreak', 'sep\u2028arator', 'toString', '1', ''];
    const { data } = compileRowValidator(keys.map((key) => column(key, 'string', { name: `Column ${key}` })))(
      Object.fromEntries(keys.map((key, i) => [key, `v${i}`])));
    // Integer-like keys come first in any object, as JSON.parse would order them too.
    expect(Object.keys(data).sort()).toEqual([...keys].sort());
    keys.forEach((key, i) => expect(Object.getOwnPropertyDescriptor(data, key)?.value).toBe(`v${i}`));
  });

  it('makes the same records where node may not compile code from strings', () => {
    // A fresh node that refuses `new Function`, as a hardened deployment may run.
    const script = `
      const { compileRowValidator } = await import(${JSON.stringify(new URL('../src/ingest/validate/validate-row.ts', import.meta.url).href)});
      const column = (key, type) => ({ key, name: key, type, required: false, unique: false, alternateKeys: [] });
      const { data } = compileRowValidator([column('age', 'integer'), column('__proto__', 'string'), column('a"b', 'string')])(
        { age: '41', ['__proto__']: 'x', 'a"b': 'y' });
      process.stdout.write(JSON.stringify({ data, keys: Object.keys(data), plain: Object.getPrototypeOf(data) === Object.prototype }));`;
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out).toBe(JSON.stringify({ data: JSON.parse('{"age":41,"__proto__":"x","a\\"b":"y"}'), keys: ['age', '__proto__', 'a"b'], plain: true }));
  });

  it('collects one message per invalid column', () => {
    const { data, errors } = validate({ name: '  ', age: '4.5', email: 'nope' });
    expect(errors).toEqual({ name: 'Name is required', age: 'Age must be a whole number', email: 'Email must be an email address' });
    expect(data).toEqual({ name: null, age: '4.5', email: 'nope' });
  });

  it('gives a fresh result for every row', () => {
    const first = validate({ name: 'A', age: 'x' });
    const second = validate({ name: 'B', age: '2' });
    expect(first).toEqual({ data: { name: 'A', age: 'x', email: null }, errors: { age: 'Age must be a whole number' } });
    expect(second).toEqual({ data: { name: 'B', age: 2, email: null }, errors: null });
  });
});

describe('empty cells', () => {
  it.each([null, '', '   ', '\t'])('%j is null, and an error only when required', (cell) => {
    expect(one('number', cell)).toEqual({ value: null, error: null });
    expect(one('number', cell, { required: true, name: 'Amount' })).toEqual({ value: null, error: 'Amount is required' });
  });
});

describe('string', () => {
  it('keeps text exactly, spaces and leading zeros included', () => {
    expect(one('string', '  padded ')).toEqual({ value: '  padded ', error: null });
    expect(one('string', '00123')).toEqual({ value: '00123', error: null });
  });

  it('reads typed XLSX cells as text', () => {
    expect(one('string', 12.5).value).toBe('12.5');
    expect(one('string', true).value).toBe('true');
    expect(one('string', new Date(Date.UTC(2024, 0, 2))).value).toBe('2024-01-02');
  });
});

describe('number and integer', () => {
  it.each([['12', 12], [' -3.5 ', -3.5], ['1e3', 1000], ['+.5', 0.5], [7.25, 7.25]])('accepts %j as %j', (cell, expected) => {
    expect(one('number', cell)).toEqual({ value: expected, error: null });
  });

  it.each(['12abc', '1,5', '0x10', 'Infinity', '1e999', '-', '.'])('rejects %j, keeping it raw', (cell) => {
    expect(one('number', cell, { name: 'Price' })).toEqual({ value: cell, error: 'Price must be a number' });
  });

  it('rejects booleans for numbers, keeping them as they are', () => {
    expect(one('number', true)).toEqual({ value: true, error: 'Value must be a number' });
  });

  it('accepts whole numbers as integers and rejects fractions', () => {
    expect(one('integer', '42')).toEqual({ value: 42, error: null });
    expect(one('integer', 3)).toEqual({ value: 3, error: null });
    expect(one('integer', '2.0')).toEqual({ value: 2, error: null });
    expect(one('integer', 2.5, { name: 'Qty' })).toEqual({ value: 2.5, error: 'Qty must be a whole number' });
    expect(one('integer', 'ten', { name: 'Qty' })).toEqual({ value: 'ten', error: 'Qty must be a whole number' });
  });
});

describe('boolean', () => {
  it.each([['true', true], ['Yes', true], [' y ', true], ['1', true], ['FALSE', false], ['no', false], ['N', false], ['0', false], [true, true], [false, false], [1, true], [0, false]])(
    'reads %j as %j',
    (cell, expected) => expect(one('boolean', cell)).toEqual({ value: expected, error: null }),
  );

  it.each(['maybe', 'on', '2', 2])('rejects %j', (cell) => {
    expect(one('boolean', cell, { name: 'Active' })).toEqual({ value: cell, error: 'Active must be true or false' });
  });
});

describe('date', () => {
  it('gives an XLSX date at UTC midnight as a day, and any other as an instant', () => {
    expect(one('date', new Date(Date.UTC(2024, 1, 29))).value).toBe('2024-02-29');
    expect(one('date', new Date(Date.UTC(2024, 1, 29, 13, 5, 9))).value).toBe('2024-02-29T13:05:09.000Z');
  });

  it.each([
    ['2024-02-29', '2024-02-29'],
    [' 2023-12-31 ', '2023-12-31'],
    ['2024-03-01T10:15Z', '2024-03-01T10:15:00.000Z'],
    ['2024-03-01T10:15:30+02:00', '2024-03-01T08:15:30.000Z'],
    ['2024-03-01T23:30:00.5-01:00', '2024-03-02T00:30:00.500Z'],
    ['0099-01-01', '0099-01-01'],
  ])('accepts %j as %j', (cell, expected) => {
    expect(one('date', cell)).toEqual({ value: expected, error: null });
  });

  it.each(['2023-02-29', '2023-02-30', '2024-13-01', '2024-04-31', '2024-1-5', '15/01/2024', '2024-03-01T10:15', '2024-03-01T24:00Z', '2024-03-01T10:60Z', 'today'])(
    'rejects %j',
    (cell) => expect(one('date', cell, { name: 'Born' })).toEqual({ value: cell, error: 'Born must be a date (YYYY-MM-DD)' }),
  );

  it('rejects plain numbers, which are not dates', () => {
    expect(one('date', 45306).error).toBe('Value must be a date (YYYY-MM-DD)');
  });
});

describe('email', () => {
  it.each([['a@example.com', 'a@example.com'], [' first.last+tag@sub.example.co.uk ', 'first.last+tag@sub.example.co.uk'], ['jörg@bücher.de', 'jörg@bücher.de']])(
    'accepts %j',
    (cell, expected) => expect(one('email', cell)).toEqual({ value: expected, error: null }),
  );

  it.each(['plain', 'a@b', '@example.com', 'a@.com', 'a b@example.com', 'a@example..com', 'a@@example.com', 'Ann <a@example.com>'])('rejects %j', (cell) => {
    expect(one('email', cell, { name: 'Mail' })).toEqual({ value: cell, error: 'Mail must be an email address' });
  });
});

describe('select', () => {
  const sizes = { selectValues: ['Small', 'Medium', 'Large'], name: 'Size' };

  it('delivers the listed spelling of a value matched loosely', () => {
    expect(one('select', ' small ', sizes)).toEqual({ value: 'Small', error: null });
    expect(one('select', 'LARGE', sizes)).toEqual({ value: 'Large', error: null });
  });

  it('rejects a value not listed, naming the choices', () => {
    expect(one('select', 'Huge', sizes)).toEqual({ value: 'Huge', error: 'Size must be one of: Small, Medium, Large' });
  });

  it('matches typed XLSX cells by their text', () => {
    expect(one('select', 2, { selectValues: ['1', '2', '3'] })).toEqual({ value: '2', error: null });
  });
});

describe('regex', () => {
  it('accepts trimmed text that matches and delivers it trimmed', () => {
    expect(one('regex', ' AB-123 ', { regex: '^[A-Z]{2}-\\d{3}$' })).toEqual({ value: 'AB-123', error: null });
  });

  it('rejects text that does not match', () => {
    expect(one('regex', 'ab-123', { regex: '^[A-Z]{2}-\\d{3}$', name: 'Code' })).toEqual({ value: 'ab-123', error: 'Code does not match the expected format' });
  });

  it('tests typed XLSX cells by their text', () => {
    expect(one('regex', 12345, { regex: '^\\d{5}$' })).toEqual({ value: '12345', error: null });
  });

  it('refuses to compile a template with an invalid regex', () => {
    const compile = () => compileRowValidator([column('code', 'regex', { regex: '([a-z' })]);
    expect(compile).toThrow(AppError);
    expect(compile).toThrow(/Code/);
  });

  it('rejects every value of a column whose stored pattern needs backtracking, saying why; an empty cell stays empty', () => {
    const message = 'Price cannot be checked: the template\'s pattern cannot be used (lookbehind is not supported; '
      + 'sheethook runs patterns in linear time); the template must be changed';
    const validate = compileRowValidator([column('price', 'regex', { regex: '(?<=EUR )\\d+' }), column('name', 'string')]);
    expect(validate({ price: 'EUR 12', name: 'Ann' })).toEqual({ data: { price: 'EUR 12', name: 'Ann' }, errors: { price: message } });
    expect(validate({ price: 12, name: 'Bo' })).toEqual({ data: { price: 12, name: 'Bo' }, errors: { price: message } });
    expect(validate({ price: '', name: 'Cy' })).toEqual({ data: { price: null, name: 'Cy' }, errors: null });
  });

  it('does not deliver the default of such a column: an empty cell gets the same message', () => {
    const validate = compileRowValidator([column('code', 'regex', { regex: '^(\\w)\\1$', defaultValue: 'aa', name: 'Code' })]);
    expect(validate({ code: '' })).toEqual({
      data: { code: null },
      errors: { code: 'Code cannot be checked: the template\'s pattern cannot be used (a backreference (\\1) is not supported; '
        + 'sheethook runs patterns in linear time); the template must be changed' },
    });
  });
});

// Sample records for a test delivery are typed like an import's and pass the template's own rules.
import { describe, expect, it } from 'vitest';
import { sampleRecords } from '../src/delivery/sample-chunk.ts';
import { compileRowValidator, DEFAULT_MULTI_SELECT_DELIMITER } from '../src/ingest/validate/validate-row.ts';
import type { Column } from '../src/domain/column.ts';

const column = (c: Partial<Column> & Pick<Column, 'key' | 'type'>): Column =>
  ({ name: c.key, required: true, unique: false, alternateKeys: [], ...c });

/** The record as the cells of a CSV row, so the template's validator reads it as an import would. */
function asCells(columns: Column[], record: Record<string, unknown>): Map<string, string> {
  return new Map(columns.map((c) => {
    const value = record[c.key];
    return [c.key, Array.isArray(value) ? value.join(c.delimiter || DEFAULT_MULTI_SELECT_DELIMITER) : String(value)];
  }));
}

function expectValid(columns: Column[]) {
  const records = sampleRecords(columns);
  expect(records.length).toBeGreaterThanOrEqual(1);
  expect(records.length).toBeLessThanOrEqual(2);
  const validate = compileRowValidator(columns);
  for (const record of records) {
    expect(Object.keys(record)).toEqual(columns.map((c) => c.key));
    const { data, errors } = validate(asCells(columns, record));
    expect(errors, JSON.stringify(record)).toBeNull();
    expect(data).toEqual(record);
  }
  return records;
}

describe('sample records', () => {
  it('have a plausible value of each type, in the template column order', () => {
    const columns = [
      column({ key: 'name', type: 'string' }),
      column({ key: 'email', type: 'email' }),
      column({ key: 'age', type: 'integer' }),
      column({ key: 'score', type: 'number' }),
      column({ key: 'active', type: 'boolean' }),
      column({ key: 'born', type: 'date', dateFormats: ['DD/MM/YYYY'] }),
      column({ key: 'plan', type: 'select', selectValues: ['Free', 'Pro', 'Team'] }),
      column({ key: 'tags', type: 'select', selectValues: ['red', 'green'], multiSelect: true }),
      column({ key: 'sku', type: 'regex', regex: '^[A-Z]{3}-\\d{3}$' }),
    ];
    const [a, b] = expectValid(columns);
    expect(typeof a.name).toBe('string');
    expect(a.email).toMatch(/@example\.com$/);
    expect(Number.isInteger(a.age)).toBe(true);
    expect(typeof a.score).toBe('number');
    expect(typeof a.active).toBe('boolean');
    expect(a.born).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(['Free', 'Pro', 'Team']).toContain(a.plan);
    expect(Array.isArray(a.tags)).toBe(true);
    expect(a.sku).toBe('ABC-123');
    // Two records that are not copies of each other.
    expect(b).toBeDefined();
    expect(b).not.toEqual(a);
  });

  it('keep within the columns’ rules: bounds, lengths, delimiters, regexes', () => {
    expectValid([
      column({ key: 'adult', type: 'integer', min: 18.5, max: 21 }),
      column({ key: 'small', type: 'number', min: -1, max: 0.5 }),
      column({ key: 'big', type: 'integer', min: 1000 }),
      column({ key: 'code', type: 'string', minLength: 12, maxLength: 12 }),
      column({ key: 'tiny', type: 'string', maxLength: 2 }),
      column({ key: 'short_mail', type: 'email', maxLength: 14 }),
      column({ key: 'many', type: 'select', selectValues: ['A', 'a', ' B '], multiSelect: true, delimiter: '|' }),
      column({ key: 'digits', type: 'regex', regex: '^\\d{5}$' }),
      column({ key: 'lower', type: 'regex', regex: '^[a-z]+$', minLength: 2 }),
      column({ key: 'url', type: 'regex', regex: '^https://' }),
      column({ key: '__proto__', type: 'string' }),
    ]);
  });

  it('fall back to the default of a regex column no sample fits', () => {
    const [record] = sampleRecords([column({ key: 'iban', type: 'regex', regex: '^DE\\d{20}$', defaultValue: 'DE89370400440532013000' })]);
    expect(record.iban).toBe('DE89370400440532013000');
  });
});

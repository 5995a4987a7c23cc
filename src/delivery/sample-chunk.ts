// Sample values of each column's type that its rules would let through: a test delivery's records, a sample file's example row.
import { compilePattern } from '../ingest/validate/linear-regex.ts';
import type { Column } from '../domain/column.ts';

export const SAMPLE_RECORD_COUNT = 2;

/** Records keyed by column key in the template's order, typed as an import would deliver them. */
export function sampleRecords(columns: readonly Column[]): Record<string, unknown>[] {
  return Array.from({ length: SAMPLE_RECORD_COUNT }, (_, i) =>
    // fromEntries defines each key as an own property, "__proto__" included.
    Object.fromEntries(columns.map((column) => [column.key, sampleValue(column, i)])));
}

/** The first two fit most columns; the short ones are for a column with a small maxLength. */
const EMAILS = ['jane.doe@example.com', 'john.smith@example.com', 'jo@example.com', 'a@b.co'];
const DATES = ['2024-05-17', '2024-11-02'];
const NUMBERS = [12.5, 99.95];
const INTEGERS = [42, 7];
/** Tried in turn against a regex column's pattern; a pattern none fits gets its default, else the first. */
const REGEX_CANDIDATES = [
  'ABC-123', 'ABC123', 'abc123', 'AB12', 'A1', 'ABC', 'abc', 'Abc', '123', '12345', '1', 'a', 'A', 'sample',
  'SAMPLE-0001', 'sample_1', 'a-b', '2024-05-17', 'jane.doe@example.com', 'https://example.com', '+14155550100',
];

export function sampleValue(column: Column, index: number): unknown {
  const pick = <T>(values: readonly T[]): T => values[index % values.length];
  switch (column.type) {
    case 'number':
      return clamp(pick(NUMBERS), column.min, column.max);
    case 'integer':
      return clamp(pick(INTEGERS), column.min === undefined ? undefined : Math.ceil(column.min),
        column.max === undefined ? undefined : Math.floor(column.max));
    case 'boolean':
      return index % 2 === 0;
    case 'date':
      return pick(DATES);
    case 'email': {
      const fitting = EMAILS.filter((e) => fitsLength(e, column.minLength, column.maxLength));
      return fitting.length > 0 ? pick(fitting) : EMAILS[0];
    }
    case 'select': {
      // Values differing only in case or spaces are one value to an import: the first spelling is the one it delivers.
      const seen = new Set<string>();
      const values = (column.selectValues ?? []).filter((v) => {
        const normalized = v.trim().toLowerCase();
        return normalized !== '' && !seen.has(normalized) && Boolean(seen.add(normalized));
      });
      if (values.length === 0) return null;
      return column.multiSelect ? values.slice(0, Math.min(values.length, index + 1)) : pick(values);
    }
    case 'regex':
      return regexSample(column, index);
    default:
      return fitLength(`${column.name} ${index + 1}`, column.minLength, column.maxLength);
  }
}

function clamp(value: number, min: number | undefined, max: number | undefined): number {
  if (min !== undefined && value < min) return min;
  if (max !== undefined && value > max) return max;
  return value;
}

function fitLength(text: string, minLength: number | undefined, maxLength: number | undefined): string {
  let chars = [...text];
  if (maxLength !== undefined && chars.length > maxLength) chars = chars.slice(0, maxLength);
  if (minLength !== undefined && chars.length < minLength) chars = [...chars, ...'x'.repeat(minLength - chars.length)];
  return chars.join('');
}

function fitsLength(text: string, minLength: number | undefined, maxLength: number | undefined): boolean {
  const length = [...text].length;
  return (minLength === undefined || length >= minLength) && (maxLength === undefined || length <= maxLength);
}

function regexSample(column: Column, index: number): string {
  // Matched as an import matches it: a sample is a value the import would let through, and a pattern that backtracks
  // could hold a test send as long as it holds a cell.
  const compiled = compilePattern(column.regex ?? '');
  if (!('regex' in compiled)) return 'sample';
  const { regex } = compiled;
  const matching = REGEX_CANDIDATES.filter((text) => regex.test(text) && fitsLength(text, column.minLength, column.maxLength));
  if (matching.length > 0) return matching[index % matching.length];
  if (typeof column.defaultValue === 'string') return column.defaultValue;
  return REGEX_CANDIDATES[0];
}

// A column as the editor holds it (text as typed, every rule kept while the type changes) and as the API takes it
// (only the rules of its type, numbers as numbers, lists one entry a line).
import type { Column, ColumnType } from '../../api.ts';

export const COLUMN_TYPES: { type: ColumnType; label: string }[] = [
  { type: 'string', label: 'Text' },
  { type: 'number', label: 'Number' },
  { type: 'integer', label: 'Whole number' },
  { type: 'boolean', label: 'Yes / no' },
  { type: 'date', label: 'Date' },
  { type: 'email', label: 'Email' },
  { type: 'select', label: 'Select (list of values)' },
  { type: 'regex', label: 'Pattern (regular expression)' },
];

/** Which rules each type takes: the API refuses the others. */
export const RULES_OF: Record<ColumnType, { bounds?: true; lengths?: true; regex?: true; select?: true; dates?: true }> = {
  string: { lengths: true },
  email: { lengths: true },
  regex: { regex: true, lengths: true },
  number: { bounds: true },
  integer: { bounds: true },
  boolean: {},
  date: { dates: true },
  select: { select: true },
};

export interface ColumnDraft {
  /** The editor's own id of the column, stable while columns move. */
  uid: string;
  key: string;
  /** False while the key follows the name (a new column whose key nobody typed). */
  keyTyped: boolean;
  name: string;
  type: ColumnType;
  required: boolean;
  unique: boolean;
  alternateKeys: string;
  selectValues: string;
  multiSelect: boolean;
  delimiter: string;
  regex: string;
  min: string;
  max: string;
  minLength: string;
  maxLength: string;
  dateFormats: string;
  defaultValue: string;
}

let next = 0;
const uid = () => `column-${++next}`;

export function newDraft(): ColumnDraft {
  return {
    uid: uid(), key: '', keyTyped: false, name: '', type: 'string', required: false, unique: false, alternateKeys: '',
    selectValues: '', multiSelect: false, delimiter: '', regex: '', min: '', max: '', minLength: '', maxLength: '',
    dateFormats: '', defaultValue: '',
  };
}

const text = (value: number | undefined) => (value === undefined || value === null ? '' : String(value));
const lines = (values: string[] | undefined) => (values ?? []).join('\n');

export function draftOf(column: Column): ColumnDraft {
  return {
    uid: uid(), key: column.key, keyTyped: true, name: column.name, type: column.type, required: column.required,
    unique: column.unique, alternateKeys: lines(column.alternateKeys), selectValues: lines(column.selectValues),
    multiSelect: column.multiSelect ?? false, delimiter: column.delimiter ?? '', regex: column.regex ?? '',
    min: text(column.min), max: text(column.max), minLength: text(column.minLength), maxLength: text(column.maxLength),
    dateFormats: lines(column.dateFormats),
    defaultValue: column.defaultValue === undefined || column.defaultValue === null ? '' : String(column.defaultValue),
  };
}

/** A key the API takes, made from a column's name: "First name" → "first_name". */
export function keyFromName(name: string): string {
  const key = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim()
    .replace(/[^a-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[0-9.-]/.test(key) ? `_${key}` : key;
}

const listOf = (value: string) => value.split('\n').map((v) => v.trim()).filter(Boolean);
/** A number when the text is one; the text as typed otherwise, so that the API says what is wrong at that field. */
const numberOf = (value: string): number | string => {
  const n = Number(value.trim());
  return value.trim() !== '' && Number.isFinite(n) ? n : value.trim();
};

export function columnOf(d: ColumnDraft): Column {
  const rules = RULES_OF[d.type];
  const column: Record<string, unknown> = {
    key: d.key.trim(), name: d.name.trim(), type: d.type, required: d.required, unique: d.unique, alternateKeys: listOf(d.alternateKeys),
  };
  if (rules.bounds) {
    if (d.min.trim()) column.min = numberOf(d.min);
    if (d.max.trim()) column.max = numberOf(d.max);
  }
  if (rules.lengths) {
    if (d.minLength.trim()) column.minLength = numberOf(d.minLength);
    if (d.maxLength.trim()) column.maxLength = numberOf(d.maxLength);
  }
  if (rules.regex) column.regex = d.regex;
  if (rules.dates && listOf(d.dateFormats).length > 0) column.dateFormats = listOf(d.dateFormats);
  if (rules.select) {
    column.selectValues = listOf(d.selectValues);
    if (d.multiSelect) {
      column.multiSelect = true;
      if (d.delimiter) column.delimiter = d.delimiter;
    }
  }
  const fallback = d.defaultValue.trim();
  if (fallback) {
    if (rules.bounds) column.defaultValue = numberOf(fallback);
    else if (d.type === 'boolean' && (fallback === 'true' || fallback === 'false')) column.defaultValue = fallback === 'true';
    else column.defaultValue = d.defaultValue;
  }
  return column as unknown as Column;
}

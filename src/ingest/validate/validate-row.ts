// Turns one row's cells into the typed record a receiver gets, with a message for each invalid cell.

import { AppError } from '../../errors.ts';
import { cellText, isEmptyCell } from '../cell-text.ts';
import { compileDateFormat, type DateFormatReader } from './date-formats.ts';
import { formatDate, parseIsoDate } from './iso-date.ts';
import { compilePattern, type LinearRegex } from './linear-regex.ts';
import type { Column } from '../../domain/column.ts';
import type { Cell } from '../types.ts';

export interface ValidatedRow {
  /** Every column key in template order: the typed value, null when empty, or the raw value when invalid. */
  data: Record<string, unknown>;
  /** Messages by column key; null when the row is valid. */
  errors: Record<string, string> | null;
}

export type RowValidator = (cells: Map<string, Cell> | Record<string, Cell>) => ValidatedRow;

/** Returned by a coercion that rejects its cell; a symbol, so no value a column delivers can be mistaken for it. */
const INVALID = Symbol('invalid');
/** Returned for a cell with text but no value in it, such as a multi-select cell of only delimiters. */
const EMPTY = Symbol('empty');
type NonEmptyCell = Exclude<Cell, null>;
/** `trimmed` is the trimmed text of a string cell, null for a typed XLSX cell. */
type Coerce = (cell: NonEmptyCell, trimmed: string | null) => unknown;
/** A rule on the typed value: the message when it breaks the rule, else null. */
type Check = (value: unknown) => string | null;

export const DEFAULT_MULTI_SELECT_DELIMITER = ',';

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN_WORDS = new Map<string, boolean>([
  ['true', true], ['yes', true], ['y', true], ['1', true],
  ['false', false], ['no', false], ['n', false], ['0', false],
]);
// The HTML form's notion of an email address, widened to non-ASCII letters and requiring a dot in the domain.
const EMAIL = /^[\p{L}\p{N}.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)+$/u;
/** The same for ASCII only, tried first: the Unicode classes cost several times as much on text that holds any
 * character beyond Latin-1, as the text of a whole file often does. */
const ASCII_EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const MAX_EMAIL_LENGTH = 254;

function toNumber(cell: NonEmptyCell, trimmed: string | null): number | typeof INVALID {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : INVALID;
  if (trimmed === null || !NUMBER_TEXT.test(trimmed)) return INVALID;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : INVALID;
}

const toInteger: Coerce = (cell, trimmed) => {
  const value = toNumber(cell, trimmed);
  return value !== INVALID && Number.isInteger(value) ? value : INVALID;
};

const toBoolean: Coerce = (cell, trimmed) => {
  if (typeof cell === 'boolean') return cell;
  // LibreOffice saves a boolean formula result as 1 or 0 in a TRUE/FALSE number format.
  if (typeof cell === 'number') return cell === 1 ? true : cell === 0 ? false : INVALID;
  if (trimmed === null) return INVALID;
  // Most cells are spelled as listed already; only the others pay for lower-casing.
  return BOOLEAN_WORDS.get(trimmed) ?? BOOLEAN_WORDS.get(trimmed.toLowerCase()) ?? INVALID;
};

function dateCoercion(formats: readonly DateFormatReader[]): Coerce {
  return (cell, trimmed) => {
    if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? INVALID : formatDate(cell);
    if (trimmed === null) return INVALID;
    const iso = parseIsoDate(trimmed);
    if (iso !== null) return iso;
    for (let i = 0; i < formats.length; i++) {
      const date = formats[i](trimmed);
      if (date !== null) return date;
    }
    return INVALID;
  };
}

const toEmail: Coerce = (_cell, trimmed) =>
  trimmed !== null && trimmed.length <= MAX_EMAIL_LENGTH && (ASCII_EMAIL.test(trimmed) || EMAIL.test(trimmed)) ? trimmed : INVALID;

/** Listed values by their trimmed lower-case form; the first spelling of a value wins. */
function canonicalValues(values: readonly string[]): Map<string, string> {
  const canonical = new Map<string, string>();
  for (const value of values) {
    const normalized = value.trim().toLowerCase();
    if (!canonical.has(normalized)) canonical.set(normalized, value);
  }
  return canonical;
}

function selectCoercion(values: readonly string[]): Coerce {
  const canonical = canonicalValues(values);
  return (cell, trimmed) => {
    const text = trimmed ?? cellText(cell).trim();
    // The keys are lower case, so a hit on the text as it is is the hit its lower case would be.
    return canonical.get(text) ?? canonical.get(text.toLowerCase()) ?? INVALID;
  };
}

/** The parts of a multi-select cell: split, trimmed, empty ones dropped. */
function* selectParts(cell: NonEmptyCell, trimmed: string | null, delimiter: string): Generator<string> {
  for (const part of (trimmed ?? cellText(cell)).split(delimiter)) {
    const text = part.trim();
    if (text !== '') yield text;
  }
}

function multiSelectCoercion(values: readonly string[], delimiter: string): { coerce: Coerce; badParts: (cell: NonEmptyCell, trimmed: string | null) => string[] } {
  const canonical = canonicalValues(values);
  const coerce: Coerce = (cell, trimmed) => {
    const chosen: string[] = [];
    for (const part of selectParts(cell, trimmed, delimiter)) {
      const value = canonical.get(part.toLowerCase());
      if (value === undefined) return INVALID;
      if (!chosen.includes(value)) chosen.push(value);
    }
    return chosen.length > 0 ? chosen : EMPTY;
  };
  // Only for a cell already rejected, so the rows that pass never pay for it.
  const badParts = (cell: NonEmptyCell, trimmed: string | null) =>
    [...selectParts(cell, trimmed, delimiter)].filter((part) => !canonical.has(part.toLowerCase()));
  return { coerce, badParts };
}

function regexCoercion(regex: LinearRegex): Coerce {
  return (cell, trimmed) => {
    const text = trimmed ?? cellText(cell);
    return regex.test(text) ? text : INVALID;
  };
}

/**
 * A regex column's rules. A pattern that is no regular expression fails the template. One that is, but that RE2 cannot
 * run (stored before patterns had to be linear), rejects every value, the default included, saying why: run with
 * backtracking, a cell could hold the service for hours.
 */
function regexRules(column: Column, length: Check | null): TypeRules {
  const compiled = compilePattern(column.regex ?? '');
  if ('regex' in compiled) {
    return { coerce: regexCoercion(compiled.regex), invalidMessage: `${column.name} does not match the expected format`, check: length, explainInvalid: null };
  }
  if (compiled.invalid) throw new AppError(400, 'invalid_template', `Column "${column.name}" has an invalid regex: ${compiled.problem}`);
  const message = `${column.name} cannot be checked: the template's pattern cannot be used (${compiled.problem}); the template must be changed`;
  return { coerce: () => INVALID, invalidMessage: message, check: null, explainInvalid: null, unusable: message };
}

/** Characters as a person counts them: a letter outside the Basic Multilingual Plane (an emoji) is one, not two. */
export function characterCount(text: string): number {
  let count = text.length;
  for (let i = 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) {
      const previous = text.charCodeAt(i - 1);
      if (previous >= 0xd800 && previous <= 0xdbff) count--;
    }
  }
  return count;
}

const characters = (n: number) => `${n} character${n === 1 ? '' : 's'}`;

function boundsCheck(name: string, min: number | undefined, max: number | undefined): Check | null {
  if (min === undefined && max === undefined) return null;
  return (value) => {
    const n = value as number;
    if (min !== undefined && n < min) return `${name} must be at least ${min}`;
    if (max !== undefined && n > max) return `${name} must be at most ${max}`;
    return null;
  };
}

function lengthCheck(name: string, minLength: number | undefined, maxLength: number | undefined): Check | null {
  if (minLength === undefined && maxLength === undefined) return null;
  return (value) => {
    const text = value as string;
    // A UTF-16 unit is at most one character, and a character at most two units: most texts need no counting.
    if (maxLength !== undefined && text.length > maxLength && characterCount(text) > maxLength) return `${name} must be at most ${characters(maxLength)}`;
    if (minLength !== undefined && text.length < minLength * 2 && characterCount(text) < minLength) return `${name} must be at least ${characters(minLength)}`;
    return null;
  };
}

/** A cell its column rejects: the message, and the value the record keeps (the cell as it was typed). */
class Rejected {
  constructor(readonly message: string, readonly value: unknown) {}
}

interface CompiledColumn {
  key: string;
  required: boolean;
  coerce: Coerce;
  check: Check | null;
  invalidMessage: string;
  /** A message naming what is wrong with this cell, when the fixed one cannot. */
  explainInvalid: ((cell: NonEmptyCell, trimmed: string | null) => string) | null;
  /** The rejection of an empty cell in a required column. */
  missing: Rejected;
  hasDefault: boolean;
  /** The default, typed; an array is copied for each row that takes it. */
  defaultValue: unknown;
}

/** The default through the column's coercion and rules, as the row loop takes a cell; throws when it breaks them. */
function typedDefault(column: CompiledColumn, name: string, fallback: NonEmptyCell): unknown {
  const trimmed = typeof fallback === 'string' ? fallback.trim() : null;
  const value = trimmed === '' ? EMPTY : column.coerce(fallback, trimmed);
  const error = value === EMPTY ? 'it is empty'
    : value === INVALID ? (column.explainInvalid?.(fallback, trimmed) ?? column.invalidMessage)
    : column.check === null ? null : column.check(value);
  if (error !== null) throw new AppError(400, 'invalid_template', `Column "${name}" has a default value that is not valid: ${error}`);
  return value;
}

type TypeRules = Pick<CompiledColumn, 'coerce' | 'check' | 'invalidMessage' | 'explainInvalid'> & {
  /** Set when the column can check no value: the message every value, the default too, gets. */
  unusable?: string;
};

function typeRules(column: Column): TypeRules {
  const { name } = column;
  const rules = (coerce: Coerce, invalidMessage: string, check: Check | null = null) => ({ coerce, invalidMessage, check, explainInvalid: null });
  const length = () => lengthCheck(name, column.minLength, column.maxLength);
  switch (column.type) {
    case 'string':
      return rules((cell) => (typeof cell === 'string' ? cell : cellText(cell)), '', length());
    case 'number':
      return rules(toNumber, `${name} must be a number`, boundsCheck(name, column.min, column.max));
    case 'integer':
      return rules(toInteger, `${name} must be a whole number`, boundsCheck(name, column.min, column.max));
    case 'boolean':
      return rules(toBoolean, `${name} must be true or false`);
    case 'date': {
      const formats = column.dateFormats ?? [];
      return rules(dateCoercion(formats.map(compileDateFormat)), `${name} must be a date (${['YYYY-MM-DD', ...formats].join(', ')})`);
    }
    case 'email':
      return rules(toEmail, `${name} must be an email address`, length());
    case 'select': {
      const values = column.selectValues ?? [];
      if (!column.multiSelect) return rules(selectCoercion(values), `${name} must be one of: ${values.join(', ')}`);
      const { coerce, badParts } = multiSelectCoercion(values, column.delimiter || DEFAULT_MULTI_SELECT_DELIMITER);
      const allowed = values.join(', ');
      return {
        coerce,
        check: null,
        invalidMessage: `${name} must each be one of: ${allowed}`,
        explainInvalid: (cell, trimmed) => `${name} must each be one of: ${allowed}; not allowed: ${badParts(cell, trimmed).join(', ')}`,
      };
    }
    case 'regex':
      return regexRules(column, length());
    default:
      throw new AppError(400, 'invalid_template', `Column "${name}" has an unknown type "${String(column.type)}"`);
  }
}

function compileColumn(column: Column): CompiledColumn {
  const { unusable, ...rules } = typeRules(column);
  const compiled: CompiledColumn = {
    key: column.key,
    required: column.required,
    ...rules,
    missing: new Rejected(`${column.name} is required`, null),
    hasDefault: false,
    defaultValue: undefined,
  };
  if (column.defaultValue !== undefined && column.defaultValue !== null) {
    // A default that cannot be checked is not delivered: an empty cell gets the column's message instead.
    compiled.defaultValue = unusable === undefined ? typedDefault(compiled, column.name, column.defaultValue) : new Rejected(unusable, null);
    compiled.hasDefault = true;
  }
  return compiled;
}

/** An invalid cell goes to the receiver's review as it was typed: text as text, numbers and booleans as they are. */
const rawValue = (cell: NonEmptyCell) => (cell instanceof Date ? cellText(cell) : cell);

/** What an empty cell becomes: the column's default, null, or a rejection when the column is required. */
function emptyCell(column: CompiledColumn): unknown {
  // The default was typed and checked when the template compiled (or is the rejection of a default that cannot be).
  if (column.hasDefault) return Array.isArray(column.defaultValue) ? column.defaultValue.slice() : column.defaultValue;
  return column.required ? column.missing : null;
}

/** A cell with text or a value in it: its typed value, or a rejection saying what is wrong. */
function filledCell(column: CompiledColumn, cell: NonEmptyCell, trimmed: string | null): unknown {
  const value = column.coerce(cell, trimmed);
  if (value === EMPTY) return emptyCell(column);
  const error = value === INVALID
    ? (column.explainInvalid?.(cell, trimmed) ?? column.invalidMessage)
    : column.check === null ? null : column.check(value);
  return error === null ? value : new Rejected(error, rawValue(cell));
}

/** Plain assignment to a "__proto__" key would set the prototype instead of a property. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

type MakeRecord = (values: readonly unknown[]) => Record<string, unknown>;

/**
 * Makes a row's record from its values in column order as one object literal of the template's keys, compiled once
 * per template: every record then has the same shape from the start, where setting one key after another by name
 * would look each key up anew. A key is written as a string literal (a computed one for "__proto__", which a literal
 * would take for the prototype), so no key can be read as code. Where node may not compile code from strings
 * (`--disallow-code-generation-from-strings`), the keys are set one after another.
 */
function recordMaker(keys: readonly string[]): MakeRecord {
  const properties = keys.map((key, i) => `${key === '__proto__' ? '["__proto__"]' : JSON.stringify(key)}: values[${i}]`);
  try {
    return new Function('values', `"use strict"; return { ${properties.join(', ')} };`) as MakeRecord;
  } catch {
    return (values) => {
      const record: Record<string, unknown> = {};
      keys.forEach((key, i) => put(record, key, values[i]));
      return record;
    };
  }
}

/**
 * Types one row: column i's cell is row[at[i]] (none when at[i] is -1). `filled` says whether any of those cells had
 * something in it. `values` is room for the row's values, used again for the next row.
 */
function typeRow(
  compiled: readonly CompiledColumn[], row: readonly (Cell | undefined)[], at: readonly number[],
  make: MakeRecord, values: unknown[],
): ValidatedRow & { filled: boolean } {
  let errors: Record<string, string> | null = null;
  let filled = false;
  for (let i = 0; i < compiled.length; i++) {
    const column = compiled[i];
    const cell = at[i] < 0 ? undefined : row[at[i]];
    const trimmed = typeof cell === 'string' ? cell.trim() : null;
    let value: unknown;
    if (cell === null || cell === undefined || trimmed === '') {
      value = emptyCell(column);
    } else {
      filled = true;
      value = filledCell(column, cell, trimmed);
    }
    if (value instanceof Rejected) {
      values[i] = value.value;
      put((errors ??= {}), column.key, value.message);
    } else {
      values[i] = value;
    }
  }
  return { data: make(values), errors, filled };
}

/** Compiles once per template; the returned function runs per row, so it allocates only the row's result. */
export function compileRowValidator(columns: readonly Column[]): RowValidator {
  const compiled = columns.map(compileColumn);
  const inOrder = compiled.map((_, i) => i);
  const make = recordMaker(compiled.map((column) => column.key));
  const values = new Array<unknown>(compiled.length);
  return (cells) => {
    const row = cells instanceof Map
      ? compiled.map((column) => cells.get(column.key))
      : compiled.map((column) => (Object.hasOwn(cells, column.key) ? cells[column.key] : undefined));
    const { data, errors } = typeRow(compiled, row, inOrder, make, values);
    return { data, errors };
  };
}

/**
 * As compileRowValidator, for rows of cells by heading index as a file gives them (`keys`: the column key each
 * heading feeds, null for one left out), without building the cells by key first. Null for a row with nothing in
 * any mapped heading: such a row is not a record.
 */
export function compileHeadingRowValidator(columns: readonly Column[], keys: readonly (string | null)[]): (row: readonly Cell[]) => ValidatedRow | null {
  const compiled = columns.map(compileColumn);
  // A heading that feeds no column of the template still counts for whether a row is empty.
  const known = new Set(columns.map((column) => column.key));
  const others = keys.flatMap((key, index) => (key !== null && !known.has(key) ? [index] : []));
  // Each column's heading; when two feed one column, the later one, as a record by key would have it.
  const headings = compiled.map((column) => keys.lastIndexOf(column.key));
  const make = recordMaker(compiled.map((column) => column.key));
  const values = new Array<unknown>(compiled.length);
  return (row) => {
    const { data, errors, filled } = typeRow(compiled, row, headings, make, values);
    if (!filled && !others.some((index) => !isEmptyCell(row[index]))) return null;
    return { data, errors };
  };
}

// Turns one row's cells into the typed record a receiver gets, with a message for each invalid cell.

import { AppError } from '../errors.ts';
import { cellText } from './cell-text.ts';
import { formatDate, parseIsoDate } from './iso-date.ts';
import type { Cell, Column } from './types.ts';

export interface ValidatedRow {
  /** Every column key in template order: the typed value, null when empty, or the raw value when invalid. */
  data: Record<string, unknown>;
  /** Messages by column key; null when the row is valid. */
  errors: Record<string, string> | null;
}

export type RowValidator = (cells: Map<string, Cell> | Record<string, Cell>) => ValidatedRow;

/** Returned by a coercion that rejects its cell; a symbol, so no value a column delivers can be mistaken for it. */
const INVALID = Symbol('invalid');
type NonEmptyCell = Exclude<Cell, null>;
/** `trimmed` is the trimmed text of a string cell, null for a typed XLSX cell. */
type Coerce = (cell: NonEmptyCell, trimmed: string | null) => unknown;

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN_WORDS = new Map<string, boolean>([
  ['true', true], ['yes', true], ['y', true], ['1', true],
  ['false', false], ['no', false], ['n', false], ['0', false],
]);
// The HTML form's notion of an email address, widened to non-ASCII letters and requiring a dot in the domain.
const EMAIL = /^[\p{L}\p{N}.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)+$/u;
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
  // XLSX hands boolean formula results over as 1 and 0.
  if (typeof cell === 'number') return cell === 1 ? true : cell === 0 ? false : INVALID;
  if (trimmed === null) return INVALID;
  return BOOLEAN_WORDS.get(trimmed.toLowerCase()) ?? INVALID;
};

const toDate: Coerce = (cell, trimmed) => {
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? INVALID : formatDate(cell);
  return trimmed === null ? INVALID : (parseIsoDate(trimmed) ?? INVALID);
};

const toEmail: Coerce = (_cell, trimmed) =>
  trimmed !== null && trimmed.length <= MAX_EMAIL_LENGTH && EMAIL.test(trimmed) ? trimmed : INVALID;

function selectCoercion(values: readonly string[]): Coerce {
  const canonical = new Map<string, string>();
  for (const value of values) {
    const normalized = value.trim().toLowerCase();
    if (!canonical.has(normalized)) canonical.set(normalized, value);
  }
  return (cell, trimmed) => canonical.get((trimmed ?? cellText(cell).trim()).toLowerCase()) ?? INVALID;
}

function regexCoercion(column: Column): Coerce {
  let pattern: RegExp;
  try {
    pattern = new RegExp(column.regex ?? '');
  } catch (error) {
    throw new AppError(400, 'invalid_template', `Column "${column.name}" has an invalid regex: ${(error as Error).message}`, { cause: error });
  }
  return (cell, trimmed) => {
    const text = trimmed ?? cellText(cell);
    return pattern.test(text) ? text : INVALID;
  };
}

interface CompiledColumn {
  key: string;
  required: boolean;
  coerce: Coerce;
  invalidMessage: string;
  requiredMessage: string;
}

function compileColumn(column: Column): CompiledColumn {
  const { name } = column;
  const compiled = (coerce: Coerce, invalidMessage: string): CompiledColumn => ({
    key: column.key,
    required: column.required,
    coerce,
    invalidMessage,
    requiredMessage: `${name} is required`,
  });
  switch (column.type) {
    case 'string':
      return compiled((cell) => (typeof cell === 'string' ? cell : cellText(cell)), '');
    case 'number':
      return compiled(toNumber, `${name} must be a number`);
    case 'integer':
      return compiled(toInteger, `${name} must be a whole number`);
    case 'boolean':
      return compiled(toBoolean, `${name} must be true or false`);
    case 'date':
      return compiled(toDate, `${name} must be a date (YYYY-MM-DD)`);
    case 'email':
      return compiled(toEmail, `${name} must be an email address`);
    case 'select': {
      const values = column.selectValues ?? [];
      return compiled(selectCoercion(values), `${name} must be one of: ${values.join(', ')}`);
    }
    case 'regex':
      return compiled(regexCoercion(column), `${name} does not match the expected format`);
    default:
      throw new AppError(400, 'invalid_template', `Column "${name}" has an unknown type "${String(column.type)}"`);
  }
}

/** An invalid cell goes to the receiver's review as it was typed: text as text, numbers and booleans as they are. */
const rawValue = (cell: NonEmptyCell) => (cell instanceof Date ? cellText(cell) : cell);

/** Plain assignment to a "__proto__" key would set the prototype instead of a property. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Compiles once per template; the returned function runs per row, so it allocates only the row's result. */
export function compileRowValidator(columns: readonly Column[]): RowValidator {
  const compiled = columns.map(compileColumn);
  return (cells) => {
    const byMap = cells instanceof Map;
    const data: Record<string, unknown> = {};
    let errors: Record<string, string> | null = null;
    for (let i = 0; i < compiled.length; i++) {
      const column = compiled[i];
      const cell: Cell | undefined = byMap
        ? (cells as Map<string, Cell>).get(column.key)
        : Object.hasOwn(cells, column.key) ? (cells as Record<string, Cell>)[column.key] : undefined;
      const trimmed = typeof cell === 'string' ? cell.trim() : null;
      if (cell === null || cell === undefined || trimmed === '') {
        put(data, column.key, null);
        if (column.required) put((errors ??= {}), column.key, column.requiredMessage);
        continue;
      }
      const value = column.coerce(cell, trimmed);
      if (value === INVALID) {
        put(data, column.key, rawValue(cell));
        put((errors ??= {}), column.key, column.invalidMessage);
      } else {
        put(data, column.key, value);
      }
    }
    return { data, errors };
  };
}

// The rules between a column's settings that a schema cannot say: bounds in order, settings on the types they belong to, a default that is valid.

import { dateFormatProblem } from './date-formats.ts';
import type { Column, ColumnType } from '../../domain/column.ts';
import { compileRowValidator, DEFAULT_MULTI_SELECT_DELIMITER } from './validate-row.ts';

export interface ColumnRuleProblem {
  /** The setting at fault, as a path below the column: 'max', 'dateFormats/1'. */
  field: string;
  message: string;
}

const MAX_DEFAULT_LENGTH = 1000;
const BOUNDED: readonly ColumnType[] = ['number', 'integer'];
const MEASURED: readonly ColumnType[] = ['string', 'email', 'regex'];

const problem = (field: string, message: string): ColumnRuleProblem => ({ field, message });
const given = (value: unknown) => value !== undefined && value !== null;

function onlyOn(column: Column, field: keyof Column, types: readonly ColumnType[]): ColumnRuleProblem | null {
  // multiSelect: false asks for nothing, whatever the type.
  if (!given(column[field]) || column[field] === false || types.includes(column.type)) return null;
  return problem(field, `${field} applies to ${types.join(' and ')} columns only, not to a ${column.type} column`);
}

/**
 * The first problem with the column's rules, or null. Assumes what the template API checks
 * before: a select has values, a regex compiles.
 */
export function columnRuleProblem(column: Column): ColumnRuleProblem | null {
  const misplaced =
    onlyOn(column, 'min', BOUNDED) ?? onlyOn(column, 'max', BOUNDED) ??
    onlyOn(column, 'minLength', MEASURED) ?? onlyOn(column, 'maxLength', MEASURED) ??
    onlyOn(column, 'dateFormats', ['date']) ?? onlyOn(column, 'multiSelect', ['select']);
  if (misplaced) return misplaced;

  const { min, max, minLength, maxLength } = column;
  if (given(min) && given(max) && min! > max!) return problem('min', `min (${min}) is greater than max (${max})`);
  if (given(minLength) && given(maxLength) && minLength! > maxLength!) {
    return problem('minLength', `minLength (${minLength}) is greater than maxLength (${maxLength})`);
  }

  for (const [i, format] of (column.dateFormats ?? []).entries()) {
    const wrong = dateFormatProblem(format);
    if (wrong) return problem(`dateFormats/${i}`, `"${format}": ${wrong}`);
  }

  if (given(column.delimiter)) {
    if (!column.multiSelect) return problem('delimiter', 'delimiter applies to multiSelect columns only (set multiSelect: true)');
    if (column.delimiter === '') return problem('delimiter', 'the delimiter may not be empty');
  }
  if (column.multiSelect) {
    const delimiter = column.delimiter || DEFAULT_MULTI_SELECT_DELIMITER;
    const clash = (column.selectValues ?? []).findIndex((value) => value.includes(delimiter));
    if (clash !== -1) {
      return problem(`selectValues/${clash}`, `"${column.selectValues![clash]}" contains the delimiter "${delimiter}", so it could never be chosen`);
    }
  }

  if (given(column.defaultValue)) {
    const fallback: unknown = column.defaultValue;
    if (typeof fallback !== 'string' && typeof fallback !== 'boolean' && (typeof fallback !== 'number' || !Number.isFinite(fallback))) {
      return problem('defaultValue', 'must be a string, a number or a boolean');
    }
    if (typeof fallback === 'string' && fallback.length > MAX_DEFAULT_LENGTH) return problem('defaultValue', `must be at most ${MAX_DEFAULT_LENGTH} characters`);
    if (typeof fallback === 'string' && fallback.trim() === '') return problem('defaultValue', 'an empty default stands for no value: leave it out');
    // The default goes through the column's own coercion and rules, as a cell would.
    const validate = compileRowValidator([{ ...column, required: false, defaultValue: undefined }]);
    const { errors } = validate(new Map([[column.key, fallback]]));
    if (errors) return problem('defaultValue', `the default ${JSON.stringify(fallback)} is not valid: ${errors[column.key]}`);
  }
  return null;
}

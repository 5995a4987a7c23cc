// Validates an edited record as ingest would, with the unique columns checked against the upload's other records.
import type { RowValidator, ValidatedRow } from '../../ingest/validate/validate-row.ts';
import type { Column } from '../../domain/column.ts';
import type { Cell } from '../../ingest/types.ts';

/** A stored value back into a cell for validation: a multi-select's list is joined with its delimiter. */
export function toCell(value: unknown, column: Column): Cell {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.join(column.delimiter ?? ',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/** Whether another record holds this value of a unique column already. */
export type ValueTaken = (key: string, value: unknown) => Promise<boolean>;

export interface CheckedRecord { valid: boolean; data: Record<string, unknown>; errors: Record<string, string> | null }

/** The record's typed data and its messages, the unique columns' included; `valid` when it has none. */
export function checkRecord(
  columns: readonly Column[], validate: RowValidator, cells: Record<string, Cell>, taken: ValueTaken,
): Promise<CheckedRecord> {
  return withUniqueChecked(columns, validate(cells), taken);
}

/** A validated row with the message of each unique column whose value another record holds already. */
export async function withUniqueChecked(
  columns: readonly Column[], { data, errors }: ValidatedRow, taken: ValueTaken,
): Promise<CheckedRecord> {
  const allErrors: Record<string, string> = { ...errors };
  for (const column of columns.filter((c) => c.unique && !allErrors[c.key])) {
    const value = data[column.key];
    if (value !== null && value !== '' && await taken(column.key, value)) {
      allErrors[column.key] = `${column.name} must be unique: the same value is in another row`;
    }
  }
  const valid = Object.keys(allErrors).length === 0;
  return { valid, data, errors: valid ? null : allErrors };
}

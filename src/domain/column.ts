// A template's columns: the types a column can have and the settings that say how its cells are read, typed and checked.

export const COLUMN_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'email', 'select', 'regex'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface Column {
  key: string;
  name: string;
  type: ColumnType;
  required: boolean;
  unique: boolean;
  alternateKeys: string[];
  selectValues?: string[];
  regex?: string;
  /** Bounds of the value, inclusive: number and integer columns. */
  min?: number;
  max?: number;
  /** Bounds of the delivered text in characters (code points), inclusive: string, email and regex columns. */
  minLength?: number;
  maxLength?: number;
  /** Date columns: formats such as 'DD/MM/YYYY' tried in order after the ISO forms. */
  dateFormats?: string[];
  /** Select columns: the cell holds several values, delivered as an array. */
  multiSelect?: boolean;
  /** What separates the values of a multiSelect cell; ',' when not given. */
  delimiter?: string;
  /** Stands in for an empty cell (or a column the file lacks), then typed and validated like the cell would be. */
  defaultValue?: string | number | boolean;
}

// Matches a file's heading row to a template's columns by key, name or alternate key.

import { cellText } from './cell-text.ts';
import type { Cell, Column } from './types.ts';

export interface HeadingMap {
  /** For each heading, by position, the key of the column it fills, or null. */
  keys: (string | null)[];
  missingRequired: Column[];
  /** Non-empty headings, as written, that fill no column. */
  unmapped: string[];
}

const normalize = (text: string) => text.trim().toLowerCase();

/**
 * Keys are matched first, then names, then alternate keys, so a column's own key is never
 * lost to another column that lists it as an alternate.
 */
function columnsByLabel(columns: readonly Column[]): Map<string, number> {
  const byLabel = new Map<string, number>();
  const add = (label: string | undefined, index: number) => {
    if (label === undefined) return;
    const normalized = normalize(label);
    if (normalized !== '' && !byLabel.has(normalized)) byLabel.set(normalized, index);
  };
  columns.forEach((column, i) => add(column.key, i));
  columns.forEach((column, i) => add(column.name, i));
  columns.forEach((column, i) => (column.alternateKeys ?? []).forEach((alternate) => add(alternate, i)));
  return byLabel;
}

export function mapHeadings(headings: readonly Cell[], columns: readonly Column[]): HeadingMap {
  const byLabel = columnsByLabel(columns);
  const taken = new Array<boolean>(columns.length).fill(false);
  const keys: (string | null)[] = [];
  const unmapped: string[] = [];
  for (const heading of headings) {
    const text = cellText(heading).trim();
    const index = text === '' ? undefined : byLabel.get(text.toLowerCase());
    // A second heading for a column already taken is left out, not merged.
    if (index === undefined || taken[index]) {
      keys.push(null);
      if (text !== '') unmapped.push(text);
      continue;
    }
    taken[index] = true;
    keys.push(columns[index].key);
  }
  const missingRequired = columns.filter((column, i) => column.required && !taken[i]);
  return { keys, missingRequired, unmapped };
}

// Which delimiter a CSV sample uses: the one that splits its first lines most consistently.

import Papa from 'papaparse';

export const DELIMITERS = [',', ';', '\t', '|'] as const;

/**
 * Papaparse's guess parses the first lines with each candidate (so delimiters inside quotes do
 * not count) and keeps the one whose field count varies least, ties going to more fields.
 * Empty lines must be skipped: papaparse counts them as rows of one field, and the newline that
 * ends a two-line file would then pull the average below its threshold of two fields.
 * A file with one column has no delimiter to find; a comma is as good as any.
 */
export function guessDelimiter(text: string): string {
  const result = Papa.parse<string[]>(text, { delimitersToGuess: [...DELIMITERS], skipEmptyLines: true, preview: 1 });
  const delimiter = result.meta.delimiter;
  return (DELIMITERS as readonly string[]).includes(delimiter) ? delimiter : ',';
}

// Counts the fields of each CSV record as its text streams past, so a row too wide is refused before the parser builds it.

import { tooManyColumns } from './row-checks.ts';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

// Where the scanner is within a record.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote inside a quoted field: the next character tells an escaped quote from the field's end. */
const AFTER_QUOTE = 3;

/**
 * Follows papaparse's reading of quotes (a quote opens a field only at its start, two quotes in a
 * quoted field are one) across chunk boundaries. Where a malformed file makes it lose track, it
 * counts fewer fields, never more; the parsed row's width is checked again after parsing.
 * Returns a function to call with each chunk of text in order; it throws too_many_columns.
 */
export function csvWidthScanner(delimiter: string, maxColumns: number): (text: string) => void {
  if (delimiter.length !== 1) return () => {};
  const delim = delimiter.charCodeAt(0);
  let state = FIELD_START;
  let fields = 1;
  return (text) => {
    for (let i = 0; i < text.length; i++) {
      if (state === QUOTED) {
        const quote = text.indexOf('"', i);
        if (quote === -1) break;
        i = quote;
        state = AFTER_QUOTE;
        continue;
      }
      const c = text.charCodeAt(i);
      if (state === AFTER_QUOTE) {
        if (c === QUOTE) {
          state = QUOTED;
          continue;
        }
        state = UNQUOTED;
      }
      if (c === delim) {
        fields++;
        state = FIELD_START;
      } else if (c === LF || c === CR) {
        // The rest of the record was in this chunk, so its width is known exactly.
        if (fields > maxColumns) throw tooManyColumns(maxColumns, fields);
        fields = 1;
        state = FIELD_START;
      } else if (state === FIELD_START) {
        state = c === QUOTE ? QUOTED : UNQUOTED;
      }
    }
    if (fields > maxColumns) throw tooManyColumns(maxColumns, fields, true);
  };
}

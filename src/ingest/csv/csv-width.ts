// Counts the fields of each CSV record as its text streams past, so a row too wide is refused before the parser builds it.

import { tooManyColumns } from '../validate/row-checks.ts';

const QUOTE = 0x22;

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
    // Outside quotes only delimiters and line breaks count: the native search jumps to them. Each position is where
    // the next one is, or the text's length when there is none.
    const next = (what: string, from: number) => {
      const at = text.indexOf(what, from);
      return at === -1 ? text.length : at;
    };
    let nextDelim = -1;
    let nextLf = -1;
    let nextCr = -1;
    let i = 0;
    while (i < text.length) {
      if (state === QUOTED) {
        const quote = text.indexOf('"', i);
        if (quote === -1) break;
        i = quote + 1;
        state = AFTER_QUOTE;
        continue;
      }
      if (state !== UNQUOTED) {
        const c = text.charCodeAt(i);
        // Two quotes in a quoted field are one; a quote at a field's start opens it.
        if (c === QUOTE) {
          state = QUOTED;
          i++;
          continue;
        }
        state = UNQUOTED;
      }
      if (nextDelim < i) nextDelim = next(delimiter, i);
      if (nextLf < i) nextLf = next('\n', i);
      if (nextCr < i) nextCr = next('\r', i);
      const end = Math.min(nextDelim, nextLf, nextCr);
      if (end === text.length) break;
      if (text.charCodeAt(end) === delim) {
        fields++;
      } else {
        // The rest of the record was in this chunk, so its width is known exactly.
        if (fields > maxColumns) throw tooManyColumns(maxColumns, fields);
        fields = 1;
      }
      state = FIELD_START;
      i = end + 1;
    }
    if (fields > maxColumns) throw tooManyColumns(maxColumns, fields, true);
  };
}

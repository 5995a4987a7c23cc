// How records are grouped into blocks: shared by the store and by ingest, which builds blocks off the database.

/** Rows per block: a million-row file is a thousand writes. */
export const RECORD_BLOCK = 1000;

/** The 0-based block holding a 1-based row. */
export const blockOf = (row: number) => Math.floor((row - 1) / RECORD_BLOCK);

/** One block as ingest produces it: the records already serialized, one line each. */
export interface RecordBlockInput {
  block: number;
  firstRow: number;
  rowCount: number;
  /**
   * The records as JSON, one per line, in row order, encoded as UTF-8: it crosses from the reading thread to the
   * store as bytes, handed over rather than copied, and never becomes one large string on the way.
   */
  text: Uint8Array<ArrayBuffer>;
  /** Each line's row number as the spreadsheet shows it, an int[] in its text form: {4,5,7}. */
  sheetRows: string;
  /** The invalid rows' messages by row number, as JSON. */
  errorsJson: string;
  validCount: number;
  invalidCount: number;
}

/**
 * The rows of one block whose value in a unique column repeats an earlier row's: known once the whole file is read,
 * and added to the block's messages then.
 */
export interface DuplicateRows {
  block: number;
  /** Messages by row number, as JSON: { "17": { "email": "Email must be unique: ..." } }. */
  errorsJson: string;
  count: number;
}

/** What reading a file gives, in order: its blocks of records, then the rows found to repeat a unique value. */
export type IngestPiece = { kind: 'records'; block: RecordBlockInput } | { kind: 'duplicates'; rows: DuplicateRows };

/**
 * `lines` joined by newlines, encoded as UTF-8 into `into` when it has room, else into a new buffer; the result is a
 * view of exactly the text, from the buffer's start. Sized from the lines' lengths, not measured in bytes first: text
 * of one-byte characters takes a byte each, and the buffer grows when characters take more.
 */
export function encodeLines(lines: readonly string[], into?: ArrayBuffer): Uint8Array<ArrayBuffer> {
  let chars = Math.max(0, lines.length - 1);
  for (const line of lines) chars += line.length;
  const room = into && into.byteLength >= chars ? into : new ArrayBuffer(roomFor(chars));
  let out = new Uint8Array(room);
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) {
      if (at === out.length) out = grown(out, at, 1);
      out[at++] = 0x0a;
    }
    let text = lines[i];
    for (;;) {
      const done = utf8.encodeInto(text, out.subarray(at));
      at += done.written;
      if (done.read === text.length) break;
      text = text.slice(done.read);
      // Three bytes at most for each UTF-16 unit left.
      out = grown(out, at, text.length * 3);
    }
  }
  return out.subarray(0, at);
}

/** A little over `chars` bytes: most text has a few characters of more than one byte. */
const roomFor = (chars: number) => Math.ceil(chars * 1.125) + 64;

/** A larger buffer with the `used` bytes of `out` copied, and room for at least `more` after them. */
function grown(out: Uint8Array<ArrayBuffer>, used: number, more: number): Uint8Array<ArrayBuffer> {
  const bigger = new Uint8Array(Math.max(out.length * 2, used + more + 64));
  bigger.set(out.subarray(0, used));
  return bigger;
}

const utf8 = new TextEncoder();

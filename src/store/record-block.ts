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
  /**
   * Each line's row number as the spreadsheet shows it, an int[] in its text form ({4,5,7}) as UTF-8: bytes after the
   * text's, in the same buffer, so that it crosses to the store with the text instead of as a string of its own.
   */
  sheetRows: Uint8Array<ArrayBuffer>;
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
 * A block's text, written a line at a time as UTF-8: each line becomes bytes as soon as it is made, so a block's
 * strings do not outlive their row (in the reading thread, past young-generation collections that would copy them).
 * The text goes into `into` while it has room (a buffer given back to be used again), then into larger buffers.
 */
export class BlockText {
  private out: Buffer;
  private used = 0;
  /** Lines written so far. */
  lines = 0;

  constructor(into: ArrayBuffer) {
    this.out = Buffer.from(into);
  }

  add(line: string): void {
    const separator = this.lines > 0 ? 1 : 0;
    // A UTF-16 unit takes three bytes at most: only a line near the end of the room is measured.
    if (this.out.length - this.used < separator + 3 * line.length) this.room(separator + Buffer.byteLength(line));
    if (separator) this.out[this.used++] = 0x0a;
    this.used += this.out.write(line, this.used);
    this.lines++;
  }

  /**
   * The lines joined by newlines, from the buffer's start, and `after` (text without a newline of its own) written
   * after them in the same buffer: a view of each. Nothing is written after this.
   */
  finish(after: string): { text: Uint8Array<ArrayBuffer>; after: Uint8Array<ArrayBuffer> } {
    const end = this.used;
    this.room(Buffer.byteLength(after));
    this.used += this.out.write(after, this.used);
    const buffer = this.out.buffer as ArrayBuffer;
    return { text: new Uint8Array(buffer, 0, end), after: new Uint8Array(buffer, end, this.used - end) };
  }

  private room(bytes: number): void {
    if (this.out.length - this.used >= bytes) return;
    const bigger = Buffer.from(new ArrayBuffer(Math.max(2 * this.out.length, this.used + bytes)));
    this.out.copy(bigger, 0, 0, this.used);
    this.out = bigger;
  }
}

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
  /** The invalid rows' messages by row number, as JSON. */
  errorsJson: string;
  validCount: number;
  invalidCount: number;
}

/** `lines` joined by newlines, encoded as UTF-8 into a buffer of exactly its size. */
export function encodeLines(lines: readonly string[]): Uint8Array<ArrayBuffer> {
  let size = Math.max(0, lines.length - 1);
  for (const line of lines) size += Buffer.byteLength(line, 'utf8');
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) out[at++] = 0x0a;
    at += utf8.encodeInto(lines[i], out.subarray(at)).written;
  }
  return out;
}

const utf8 = new TextEncoder();

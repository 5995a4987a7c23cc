// Finds the rows whose value in a unique column repeats an earlier row's, over a whole file, in bounded memory and
// off the store: values are spilled to bucket files by hash as rows are read, then each bucket's values, in row order,
// go through a set of their own.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECORD_BLOCK } from '../../store/record-block.ts';
import type { DuplicateRows } from '../../store/record-block.ts';
import type { Column } from '../../domain/column.ts';

/**
 * Buckets per column: a bucket holds about 1/BUCKETS of the column's values, so checking one takes a small share of
 * the memory the whole column would (a 1 GiB file of distinct values: a few MB a bucket).
 */
const BUCKETS = 64;
/** Bytes a bucket gathers before they are written out. */
const BUCKET_BUFFER = 32 * 1024;
/** An entry's column, row and text length, before its text. */
const ENTRY_HEAD = 10;

/**
 * The value of a record's field as the uniqueness rule compares it: text as it is, other values as their JSON
 * (numbers, booleans, a multi-select's list); null for an empty value, which is never a duplicate.
 */
export function uniqueText(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** FNV-1a over the UTF-16 code units: spreads values over the buckets; equal texts always share one. */
function bucketOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % BUCKETS;
}

/**
 * A bucket's values on disk. Texts are kept as UTF-16 code units, as JavaScript holds them: any text, a lone
 * surrogate included, comes back exactly as it went in.
 */
class BucketFile {
  private buffer = Buffer.allocUnsafe(BUCKET_BUFFER);
  private used = 0;
  private fd: number | null;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }

  /** One entry: the unique column's index (2 bytes), the row (4), the text's length in code units (4), the text. */
  add(column: number, row: number, text: string): void {
    const size = ENTRY_HEAD + 2 * text.length;
    if (this.used + size > this.buffer.length) this.flush();
    if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(size);
    this.buffer.writeUInt16LE(column, this.used);
    this.buffer.writeUInt32LE(row, this.used + 2);
    this.buffer.writeUInt32LE(text.length, this.used + 6);
    this.buffer.write(text, this.used + ENTRY_HEAD, 'utf16le');
    this.used += size;
  }

  private flush(): void {
    if (this.used > 0) writeSync(this.fd!, this.buffer, 0, this.used);
    this.used = 0;
    if (this.buffer.length > BUCKET_BUFFER) this.buffer = Buffer.allocUnsafe(BUCKET_BUFFER);
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }

  /** Each entry of one column, in the order they were added; the file is closed and read again for each column. */
  forEach(column: number, visit: (row: number, text: string) => void): void {
    this.flush();
    this.close();
    const data = readFileSync(this.path);
    for (let at = 0; at < data.length;) {
      const end = at + ENTRY_HEAD + 2 * data.readUInt32LE(at + 6);
      if (data.readUInt16LE(at) === column) visit(data.readUInt32LE(at + 2), data.toString('utf16le', at + ENTRY_HEAD, end));
      at = end;
    }
  }
}

export interface UniqueValues {
  /** Where the values are spilled while the file is read. */
  readonly dir: string;
  /** Adds a valid row's values; rows come in increasing order. */
  add(row: number, data: Record<string, unknown>): void;
  /**
   * Once every row is added: per block, in block order, the rows that repeat an earlier row's value, with a message
   * on the column. A row already found repeating in one unique column takes no part in the next: it is invalid, and
   * only valid rows claim a value. Removes the spilled files.
   */
  duplicates(lastRow: number): Generator<DuplicateRows>;
  /** Removes the spilled files, when the file is not read to its end. */
  discard(): void;
}

/** Null when the template has no unique column. */
export function collectUniqueValues(columns: readonly Column[]): UniqueValues | null {
  const unique = columns.filter((c) => c.unique);
  if (unique.length === 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'sheethook-unique-'));
  // One set of files for every unique column, each entry naming its column: open files and buffers stay the same
  // however many columns are unique.
  const buckets = Array.from({ length: BUCKETS }, (_, b) => new BucketFile(join(dir, String(b))));
  let discarded = false;
  const discard = () => {
    if (discarded) return;
    discarded = true;
    for (const file of buckets) file.close();
    rmSync(dir, { recursive: true, force: true });
  };

  return {
    dir,
    add(row, data) {
      for (let c = 0; c < unique.length; c++) {
        const text = uniqueText(data[unique[c].key]);
        if (text !== null) buckets[bucketOf(text)].add(c, row, text);
      }
    },
    *duplicates(lastRow) {
      try {
        // For each row, 1 + the index of the unique column it repeats a value of; 0 for none. A column is done
        // over every bucket before the next: a row it marks claims no value in the next.
        const repeats = new Uint16Array(lastRow + 1);
        for (let c = 0; c < unique.length; c++) {
          for (const file of buckets) markRepeats(file, c, repeats);
        }
        const messages = unique.map((column) => ({ [column.key]: `${column.name} must be unique: the same value is in an earlier row` }));
        for (let first = 1; first <= lastRow; first += RECORD_BLOCK) {
          const errors: Record<number, Record<string, string>> = {};
          let count = 0;
          for (let row = first; row < Math.min(first + RECORD_BLOCK, lastRow + 1); row++) {
            if (repeats[row] === 0) continue;
            errors[row] = messages[repeats[row] - 1];
            count++;
          }
          if (count > 0) yield { block: (first - 1) / RECORD_BLOCK, errorsJson: JSON.stringify(errors), count };
        }
      } finally {
        discard();
      }
    },
    discard,
  };
}

/**
 * Marks in `repeats` (with 1 + `column`) every row of one bucket whose text an earlier row not marked yet holds. The
 * bucket's entries are in row order, so the first row to bring a text into the set is the one that keeps it.
 */
function markRepeats(file: BucketFile, column: number, repeats: Uint16Array): void {
  const seen = new Set<string>();
  file.forEach(column, (row, text) => {
    if (repeats[row] !== 0) return;
    if (seen.has(text)) repeats[row] = column + 1;
    else seen.add(text);
  });
}

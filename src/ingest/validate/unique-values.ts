// Finds the rows whose value in a unique column repeats an earlier row's, over a whole file, in bounded memory and
// off the store: values are spilled to bucket files by hash as rows are read, then each bucket's values, in row order,
// go through a table of their own.
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
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
/**
 * A bucket file larger than this is split by another hash into SPLIT_WAYS files before it is checked: a check holds
 * a whole file in memory, and a bucket grows with the file, this bound does not.
 */
export const DEFAULT_SPLIT_BYTES = 4 << 20;
const SPLIT_WAYS = 16;
/** Splits of splits at most: a bucket of one value repeated cannot be split, and is checked whatever its size. */
const MAX_SPLITS = 3;
/** Bytes read from a bucket file at a time, when it is read a piece at a time. */
const READ_PIECE = 1 << 20;
/** An entry's column, row and text length, before its text. */
const ENTRY_HEAD = 10;
const EMPTY = Buffer.alloc(0);

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
 * The first `size` bytes of a buffer read from a bucket file as code units, for hashing: an entry and its text start
 * at an even byte, and the buffer at the start of its memory.
 */
const codeUnits = (data: Buffer, size: number) => new Uint16Array(data.buffer, data.byteOffset, size >>> 1);

/** FNV-1a over code units `start` to `end`, from the offset basis `basis`. */
function fnv1a(units: Uint16Array, start: number, end: number, basis: number): number {
  let hash = basis;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ units[i], 0x01000193);
  return hash;
}

/** murmur3's finalizer: every bit of `hash` moves every bit of the result. */
function fmix32(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * The same FNV-1a over an entry's text as it lies in a bucket file, mixed with the split's depth: within a bucket
 * every text has the same FNV modulo BUCKETS, the mixed value spreads them again.
 */
const partOf = (units: Uint16Array, start: number, end: number, depth: number) =>
  fmix32(fnv1a(units, start, end, 0x811c9dc5) ^ Math.imul(depth, 0x9e3779b9)) % SPLIT_WAYS;

/**
 * The buffers a collector's files share. The check reads hundreds of files one after another (thousands once buckets
 * are split): a buffer of its own for each would be garbage by the hundred megabytes, held outside the heap until a
 * collection, and the reading thread's memory would rise by tens of megabytes at the end of a large file.
 */
class SharedBuffers {
  /** Write buffers of closed files, for the next files opened. */
  private free: Buffer[] = [];
  private read = Buffer.allocUnsafe(0);
  /** Slots of the check's table (markRepeats). */
  private slots = new Int32Array(0);

  writeBuffer(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(BUCKET_BUFFER);
  }

  giveBack(buffer: Buffer): void {
    if (buffer.length === BUCKET_BUFFER) this.free.push(buffer);
  }

  /** The read buffer, at least `size` bytes, at the start of its memory; its bytes are not kept when it grows. */
  readBuffer(size: number): Buffer {
    if (this.read.length < size) this.read = Buffer.from(new ArrayBuffer(size));
    return this.read;
  }

  /** `count` slots, all empty (0). */
  table(count: number): Int32Array {
    if (this.slots.length < count) this.slots = new Int32Array(count);
    else this.slots.fill(0, 0, count);
    return this.slots;
  }
}

/**
 * A bucket's values on disk. Texts are kept as UTF-16 code units, as JavaScript holds them: any text, a lone
 * surrogate included, comes back exactly as it went in.
 */
class BucketFile {
  private buffer: Buffer;
  private used = 0;
  private fd: number | null;
  /** Bytes written to the file. */
  bytes = 0;
  private parts: BucketFile[] | undefined;

  constructor(readonly path: string, private readonly shared: SharedBuffers) {
    this.fd = openSync(path, 'w');
    this.buffer = shared.writeBuffer();
  }

  /** One entry: the unique column's index (2 bytes), the row (4), the text's length in code units (4), the text. */
  add(column: number, row: number, text: string): void {
    const size = ENTRY_HEAD + 2 * text.length;
    this.room(size);
    this.buffer.writeUInt16LE(column, this.used);
    this.buffer.writeUInt32LE(row, this.used + 2);
    this.buffer.writeUInt32LE(text.length, this.used + 6);
    this.buffer.write(text, this.used + ENTRY_HEAD, 'utf16le');
    this.used += size;
  }

  /** An entry as it lies in another bucket file. */
  private addEntry(data: Buffer, start: number, end: number): void {
    this.room(end - start);
    data.copy(this.buffer, this.used, start, end);
    this.used += end - start;
  }

  private room(size: number): void {
    if (this.used + size > this.buffer.length) this.flush();
    if (size > this.buffer.length) this.buffer = Buffer.allocUnsafe(size);
  }

  private flush(): void {
    if (this.used > 0) writeSync(this.fd!, this.buffer, 0, this.used);
    this.bytes += this.used;
    this.used = 0;
    if (this.buffer.length > BUCKET_BUFFER) this.buffer = Buffer.allocUnsafe(BUCKET_BUFFER);
  }

  close(): void {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
    this.shared.giveBack(this.buffer);
    this.buffer = EMPTY;
  }

  /**
   * The files to check in this bucket's place, in any order (each text is in one of them, with every row that holds
   * it, in row order): itself, or once it is larger than `splitBytes`, the files it is split into, split in turn.
   */
  checked(splitBytes: number, depth = 0): BucketFile[] {
    this.close();
    if (this.parts) return this.parts;
    if (this.bytes <= splitBytes || depth >= MAX_SPLITS) return (this.parts = [this]);
    const split = Array.from({ length: SPLIT_WAYS }, (_, i) => new BucketFile(`${this.path}.${i}`, this.shared));
    let units: Uint16Array = new Uint16Array(0);
    let unitsOf: Buffer | undefined;
    this.readEntries((data, start, end) => {
      if (data !== unitsOf) units = codeUnits((unitsOf = data), data.length);
      split[partOf(units, (start + ENTRY_HEAD) >>> 1, end >>> 1, depth)].addEntry(data, start, end);
    });
    unlinkSync(this.path);
    return (this.parts = split.flatMap((part) => part.checked(splitBytes, depth + 1)));
  }

  /** Each entry of one column, in the order they were added. */
  forEach(column: number, visit: (row: number, text: string) => void): void {
    this.close();
    this.readEntries((data, start, end) => {
      if (data.readUInt16LE(start) === column) visit(data.readUInt32LE(start + 2), data.toString('utf16le', start + ENTRY_HEAD, end));
    });
  }

  /** The whole file, in the shared read buffer: its first `bytes` bytes. */
  readWhole(): Buffer {
    this.close();
    const data = this.shared.readBuffer(this.bytes);
    const fd = openSync(this.path, 'r');
    try {
      for (let held = 0; held < this.bytes;) {
        const read = readSync(fd, data, held, this.bytes - held, held);
        if (read === 0) throw new Error(`${this.path}: ${this.bytes - held} bytes missing`);
        held += read;
      }
    } finally {
      closeSync(fd);
    }
    return data;
  }

  /** Reads the file a piece at a time and gives each whole entry's place in the piece it lies in. */
  private readEntries(visit: (data: Buffer, start: number, end: number) => void): void {
    const fd = openSync(this.path, 'r');
    try {
      let data = this.shared.readBuffer(Math.min(READ_PIECE, Math.max(fstatSync(fd).size, ENTRY_HEAD)));
      let held = 0;
      for (;;) {
        const read = readSync(fd, data, held, data.length - held, null);
        held += read;
        let at = 0;
        while (at + ENTRY_HEAD <= held) {
          const end = at + ENTRY_HEAD + 2 * data.readUInt32LE(at + 6);
          if (end > held) break;
          visit(data, at, end);
          at = end;
        }
        if (read === 0) {
          if (at !== held) throw new Error(`${this.path}: ${held - at} bytes after its last whole entry`);
          return;
        }
        // The entry cut at the piece's end goes to the front; one larger than the piece gets a piece of its size.
        const need = at + ENTRY_HEAD <= held ? ENTRY_HEAD + 2 * data.readUInt32LE(at + 6) : ENTRY_HEAD;
        const next = need > data.length ? Buffer.from(new ArrayBuffer(need)) : data;
        data.copy(next, 0, at, held);
        data = next;
        held -= at;
      }
    } finally {
      closeSync(fd);
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

/** Null when the template has no unique column. `splitBytes`: see DEFAULT_SPLIT_BYTES. */
export function collectUniqueValues(columns: readonly Column[], splitBytes = DEFAULT_SPLIT_BYTES): UniqueValues | null {
  const unique = columns.filter((c) => c.unique);
  if (unique.length === 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'sheethook-unique-'));
  const shared = new SharedBuffers();
  // One set of files for every unique column, each entry naming its column: open files and buffers stay the same
  // however many columns are unique.
  const buckets = Array.from({ length: BUCKETS }, (_, b) => new BucketFile(join(dir, String(b)), shared));
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
        // A byte a row while the columns' numbers fit in one (five megabytes for five million rows).
        const repeats = unique.length < 0xff ? new Uint8Array(lastRow + 1) : new Uint16Array(lastRow + 1);
        for (let c = 0; c < unique.length; c++) {
          for (const file of buckets) {
            for (const part of file.checked(splitBytes)) {
              if (part.bytes <= splitBytes) markRepeats(part.readWhole(), part.bytes, c, repeats, shared);
              else markRepeatsInSet(part, c, repeats);
            }
          }
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

type Repeats = Uint8Array | Uint16Array;

/** The text of the entry at `at`: where it ends. */
const entryEnd = (data: Buffer, at: number) => at + ENTRY_HEAD + 2 * data.readUInt32LE(at + 6);

/**
 * FNV-1a over an entry's text with another offset basis than bucketOf and partOf, mixed: every text of a part has the
 * same bucketOf and partOf, this spreads them over a table's slots.
 */
const slotHash = (units: Uint16Array, start: number, end: number) => fmix32(fnv1a(units, start, end, 0x01000193));

/**
 * Marks in `repeats` (with 1 + `column`) every row of one bucket part, held whole in `data`, whose text an earlier
 * row not marked yet holds. The part's entries are in row order, so the first row to bring a text is the one that
 * keeps it. Texts are compared as the bytes they are in the part, found through a table of their places (open
 * addressing): no string is made for a value, and nothing of a part outlives its check.
 */
function markRepeats(data: Buffer, size: number, column: number, repeats: Repeats, shared: SharedBuffers): void {
  let count = 0;
  for (let at = 0; at < size; at = entryEnd(data, at)) if (data.readUInt16LE(at) === column) count++;
  if (count < 2) return;
  // At most half full: a probe ends after a slot or two.
  const mask = 2 ** Math.ceil(Math.log2(count * 2)) - 1;
  const table = shared.table(mask + 1);
  const units = codeUnits(data, size);
  for (let at = 0, end = 0; at < size; at = end) {
    end = entryEnd(data, at);
    if (data.readUInt16LE(at) !== column) continue;
    const row = data.readUInt32LE(at + 2);
    if (repeats[row] !== 0) continue;
    const start = at + ENTRY_HEAD;
    let slot = slotHash(units, start >>> 1, end >>> 1) & mask;
    for (;;) {
      // A slot holds 1 + the place of the entry that brought its text.
      const held = table[slot] - 1;
      if (held < 0) {
        table[slot] = at + 1;
        break;
      }
      const heldEnd = entryEnd(data, held);
      if (heldEnd - held === end - at && data.compare(data, held + ENTRY_HEAD, heldEnd, start, end) === 0) {
        repeats[row] = column + 1;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
}

/**
 * markRepeats for a part too large to hold whole (one that splitting cannot make smaller: the same text in most of
 * its rows), read a piece at a time, its distinct texts in a set.
 */
function markRepeatsInSet(file: BucketFile, column: number, repeats: Repeats): void {
  const seen = new Set<string>();
  file.forEach(column, (row, text) => {
    if (repeats[row] !== 0) return;
    if (seen.has(text)) repeats[row] = column + 1;
    else seen.add(text);
  });
}

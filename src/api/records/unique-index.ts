// Which valid row holds each value of a unique column, kept by a hash of the value while a replacement walks an
// upload: a look-up per changed row instead of a search of the whole upload.
import { uniqueText } from '../../ingest/validate/unique-values.ts';
import type { Db } from '../../store/db.ts';
import { blockRecords, recordBlockNumbers } from '../../store/records-queries.ts';

/** Held by more than one row (or by rows whose values share a hash): the caller searches the store. */
export const SEVERAL = -1;
/** A value no row holds any more; its slot stays taken so that the look-ups probing past it go on. */
const NONE = -2;

/**
 * 53 bits of a hash of the text's UTF-16 code units (two 32-bit multiply-xorshift lanes, cyrb53's construction):
 * two of a million values share one about once in ten thousand indexes, and a shared hash only costs a search. Made
 * without allocating, as it runs for every value of the upload.
 */
function hashOf(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // Never 0: an empty slot is 0.
  return 4294967296 * (2097151 & h2) + (h1 >>> 0) + 1;
}

/**
 * An open-addressing hash table in two typed arrays, about 24 bytes a row at most: its memory is outside the
 * JavaScript heap, where a Map of a million entries would be a hundred megabytes of objects the collector walks.
 */
export class UniqueIndex {
  private hashes = new Float64Array(1024);
  private rows = new Int32Array(1024);
  /** Slots taken, NONE included. */
  private taken = 0;

  /** Reads the valid records of the upload, a block at a time. */
  static async build(db: Db, uploadId: string, key: string): Promise<UniqueIndex> {
    const index = new UniqueIndex();
    for (const block of await recordBlockNumbers(db, uploadId, 'valid')) {
      for (const record of await blockRecords(db, uploadId, block, 'valid')) index.add(record.data[key], record.row);
    }
    return index;
  }

  add(value: unknown, row: number): void {
    const hash = hashFor(value);
    if (hash === undefined) return;
    const at = this.slotOf(hash);
    if (this.hashes[at] === 0) {
      this.hashes[at] = hash;
      this.rows[at] = row;
      if (++this.taken * 2 > this.hashes.length) this.grow();
      return;
    }
    const held = this.rows[at];
    this.rows[at] = held === NONE || held === row ? row : SEVERAL;
  }

  remove(value: unknown, row: number): void {
    const hash = hashFor(value);
    if (hash === undefined) return;
    const at = this.slotOf(hash);
    if (this.hashes[at] !== 0 && this.rows[at] === row) this.rows[at] = NONE;
  }

  /** The row holding a value of this hash, SEVERAL, or undefined when none does. */
  holder(value: unknown): number | undefined {
    const hash = hashFor(value);
    if (hash === undefined) return undefined;
    const at = this.slotOf(hash);
    const held = this.rows[at];
    return this.hashes[at] === 0 || held === NONE ? undefined : held;
  }

  /** The slot holding this hash, or the empty one where it would go. */
  private slotOf(hash: number): number {
    const mask = this.hashes.length - 1;
    // The low 32 bits pick the first slot; the table's size is a power of two.
    let at = (hash >>> 0) & mask;
    while (this.hashes[at] !== 0 && this.hashes[at] !== hash) at = (at + 1) & mask;
    return at;
  }

  /** Twice the slots, the values no row holds left behind. */
  private grow(): void {
    const { hashes, rows } = this;
    this.hashes = new Float64Array(hashes.length * 2);
    this.rows = new Int32Array(hashes.length * 2);
    this.taken = 0;
    for (let i = 0; i < hashes.length; i++) {
      if (hashes[i] === 0 || rows[i] === NONE) continue;
      const at = this.slotOf(hashes[i]);
      this.hashes[at] = hashes[i];
      this.rows[at] = rows[i];
      this.taken++;
    }
  }
}

function hashFor(value: unknown): number | undefined {
  const text = uniqueText(value);
  return text === null ? undefined : hashOf(text);
}

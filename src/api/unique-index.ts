// Which valid row holds each value of a unique column, kept in memory by a hash of the value while a replacement
// walks an upload: a look-up per changed row instead of a search of the whole upload.
import { createHash } from 'node:crypto';
import { uniqueText } from '../ingest/unique-values.ts';
import type { Db } from '../store/db.ts';
import { blockRecords, recordBlockNumbers } from '../store/records-queries.ts';

/** Held by more than one row (or by rows whose values share a hash): the caller searches the store. */
export const SEVERAL = -1;

/** 48 bits of the value's SHA-1: two of a million values share one about once in a few hundred such indexes. */
const hashOf = (text: string) => createHash('sha1').update(text).digest().readUIntBE(0, 6);

export class UniqueIndex {
  /** A number for each value: about 40 bytes a row in a Map, where the values themselves would take several times that. */
  private readonly holders = new Map<number, number>();

  /** Reads the valid records of the upload, a block at a time. */
  static async build(db: Db, uploadId: string, key: string): Promise<UniqueIndex> {
    const index = new UniqueIndex();
    for (const block of await recordBlockNumbers(db, uploadId, 'valid')) {
      for (const record of await blockRecords(db, uploadId, block, 'valid')) index.add(record.data[key], record.row);
    }
    return index;
  }

  add(value: unknown, row: number): void {
    const text = uniqueText(value);
    if (text === null) return;
    const hash = hashOf(text);
    const held = this.holders.get(hash);
    this.holders.set(hash, held === undefined || held === row ? row : SEVERAL);
  }

  remove(value: unknown, row: number): void {
    const text = uniqueText(value);
    if (text === null) return;
    const hash = hashOf(text);
    if (this.holders.get(hash) === row) this.holders.delete(hash);
  }

  /** The row holding a value of this hash, SEVERAL, or undefined when none does. */
  holder(value: unknown): number | undefined {
    const text = uniqueText(value);
    return text === null ? undefined : this.holders.get(hashOf(text));
  }
}

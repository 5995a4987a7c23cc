// The interactive flow's writes: mapping a received file, and editing or deleting records before confirm.
import { and, eq, sql } from 'drizzle-orm';
import { rows, type Db } from './db.ts';
import { eraseRecords, rewriteBlock, rewriteRecord, type StoredRecord } from './records-queries.ts';
import { uploads } from './schema.ts';
import { UploadStatus } from '../domain/states.ts';

/** Sets the header row and mapping of an upload still waiting for one; false when it is past that. */
export async function setMapping(db: Db, uploadId: string, headerRow: number, mapping: (string | null)[]): Promise<boolean> {
  const updated = await db.update(uploads).set({ headerRow, mapping, updatedAt: sql`now()` })
    .where(and(eq(uploads.id, uploadId), eq(uploads.status, UploadStatus.mapping))).returning({ id: uploads.id });
  return updated.length > 0;
}

/** Moves an upload from one status to another; false when it was not in `from`. */
export async function moveStatus(db: Db, uploadId: string, from: UploadStatus, to: UploadStatus): Promise<boolean> {
  const updated = await db.update(uploads).set({ status: to, updatedAt: sql`now()` })
    .where(and(eq(uploads.id, uploadId), eq(uploads.status, from))).returning({ id: uploads.id });
  return updated.length > 0;
}

/**
 * Runs `fn` while holding the upload's row lock, only if the upload is in review: a confirm takes the same lock,
 * so an edit either lands before the chunk plan is written or is refused after it.
 */
async function whileInReview<T>(db: Db, uploadId: string, fn: (tx: Db) => Promise<T>): Promise<T | undefined> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [locked] = await rows<{ id: string }>(t, sql`
      SELECT id FROM uploads WHERE id = ${uploadId} AND status = ${UploadStatus.reviewing} FOR UPDATE`);
    return locked ? fn(t) : undefined;
  });
}

/** Replaces a record's data and errors, keeping the upload's counts right; undefined when not in review or not there. */
export function replaceRecord(db: Db, uploadId: string, record: StoredRecord): Promise<StoredRecord | undefined> {
  return whileInReview(db, uploadId, async (tx) => {
    const before = await rewriteRecord(tx, uploadId, record);
    if (!before) return undefined;
    // Counts the record's move between valid and invalid, and keeps the upload from expiring while it is worked on.
    const delta = Number(record.valid) - Number(before.wasValid);
    await tx.execute(sql`
      UPDATE uploads SET valid_records = valid_records + ${delta}, invalid_records = invalid_records - ${delta}, updated_at = now()
      WHERE id = ${uploadId}`);
    return record;
  });
}

/** Deletes records by row number; the rows that were deleted, or undefined when not in review. */
export function removeRecords(db: Db, uploadId: string, rowNumbers: number[]): Promise<number[] | undefined> {
  return whileInReview(db, uploadId, async (tx) => {
    const deleted = await eraseRecords(tx, uploadId, rowNumbers);
    const valid = deleted.filter((d) => d.valid).length;
    await tx.execute(sql`
      UPDATE uploads SET valid_records = valid_records - ${valid}, invalid_records = invalid_records - ${deleted.length - valid},
        updated_at = now()
      WHERE id = ${uploadId}`);
    return deleted.map((d) => d.row);
  });
}

/**
 * Rewrites some records of one block (see `rewriteBlock`, and its `mayChange`) in a transaction of its own, keeping the upload's counts
 * right: how many records changed, or undefined when the upload is not in review.
 */
export function editBlock(
  db: Db, uploadId: string, block: number, edit: (tx: Db, records: StoredRecord[]) => Promise<StoredRecord[]>,
  mayChange?: (line: string) => boolean,
): Promise<number | undefined> {
  return whileInReview(db, uploadId, async (tx) => {
    const result = await rewriteBlock(tx, uploadId, block, (records) => edit(tx, records), mayChange);
    if (!result || result.changed === 0) return 0;
    await tx.execute(sql`
      UPDATE uploads SET valid_records = valid_records + ${result.validDelta}, invalid_records = invalid_records - ${result.validDelta},
        updated_at = now()
      WHERE id = ${uploadId}`);
    return result.changed;
  });
}

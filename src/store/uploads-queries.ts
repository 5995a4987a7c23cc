// Uploads and their records: created by an import, filled by ingest, frozen into a chunk plan.
import { and, count, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { rows, type Db } from './db.ts';
import { uploads } from './schema.ts';
import { insertChunkPlan, recordCounts } from './records-queries.ts';
import { ChunkStatus, UploadStatus } from '../domain/states.ts';

export type UploadRow = typeof uploads.$inferSelect;
export type NewUpload = typeof uploads.$inferInsert;

export async function insertUpload(db: Db, upload: NewUpload): Promise<void> {
  await db.insert(uploads).values(upload);
}

export async function findUpload(db: Db, projectId: string, id: string): Promise<UploadRow | undefined> {
  const [row] = await db.select().from(uploads).where(and(eq(uploads.projectId, projectId), eq(uploads.id, id)));
  return row;
}

export interface UploadFilter {
  status?: UploadStatus;
  templateCode?: string;
  /** Made at or after `createdFrom`, and before `createdTo`. */
  createdFrom?: Date;
  createdTo?: Date;
}

/** A page of a project's uploads, newest first, and how many the filter lets through in all. */
export async function listUploads(
  db: Db, projectId: string, filter: UploadFilter, offset: number, limit: number,
): Promise<{ uploads: UploadRow[]; total: number }> {
  const where = and(
    eq(uploads.projectId, projectId),
    filter.status ? eq(uploads.status, filter.status) : undefined,
    filter.templateCode ? eq(uploads.templateCode, filter.templateCode) : undefined,
    filter.createdFrom ? gte(uploads.createdAt, filter.createdFrom) : undefined,
    filter.createdTo ? lt(uploads.createdAt, filter.createdTo) : undefined,
  );
  // The id breaks ties between uploads made in the same instant, so that pages neither repeat nor skip one.
  const [page, [{ total }]] = await Promise.all([
    db.select().from(uploads).where(where).orderBy(desc(uploads.createdAt), desc(uploads.id)).offset(offset).limit(limit),
    db.select({ total: count() }).from(uploads).where(where),
  ]);
  return { uploads: page, total };
}

export async function pageCounts(db: Db, uploadId: string): Promise<Record<string, number>> {
  return (await pageCountsOf(db, [uploadId])).get(uploadId) ?? {};
}

/** The pages of each upload by status, in one statement for a page of uploads. */
export async function pageCountsOf(db: Db, uploadIds: string[]): Promise<Map<string, Record<string, number>>> {
  const byUpload = new Map<string, Record<string, number>>();
  if (uploadIds.length === 0) return byUpload;
  const found = await rows<{ uploadId: string; status: string; n: number }>(db, sql`
    SELECT upload_id::text AS "uploadId", status, count(*)::int AS n FROM chunks
    WHERE upload_id = ANY(${`{${uploadIds.join(',')}}`}::uuid[]) GROUP BY upload_id, status`);
  for (const r of found) byUpload.set(r.uploadId, { ...byUpload.get(r.uploadId), [r.status]: r.n });
  return byUpload;
}

/**
 * Takes one upload waiting for ingest whose lease is free; the lease is renewed while it is read. Never one of
 * `reading`, the uploads the caller reads already: a lease that ran out while a busy process was slow to renew it
 * must not start a second reading of the same file beside the first.
 */
export async function claimIngestJob(db: Db, leaseMs: number, reading: readonly string[] = []): Promise<UploadRow | undefined> {
  const [row] = await rows<{ id: string }>(db, sql`
    UPDATE uploads SET lease_until = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
    WHERE id = (
      SELECT id FROM uploads
      WHERE status = ${UploadStatus.ingesting} AND (lease_until IS NULL OR lease_until < now())
        AND id <> ALL(${`{${reading.join(',')}}`}::uuid[])
      ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
    RETURNING id`);
  if (!row) return undefined;
  const [upload] = await db.select().from(uploads).where(eq(uploads.id, row.id));
  return upload;
}

/** The status of each of these ids that is an upload; anything not a uuid is simply not one. */
export async function statusesAmong(db: Db, ids: string[]): Promise<Map<string, string>> {
  const uuids = ids.filter((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id));
  if (uuids.length === 0) return new Map();
  const found = await rows<{ id: string; status: string }>(db, sql`
    SELECT id::text, status FROM uploads WHERE id = ANY(${`{${uuids.join(',')}}`}::uuid[])`);
  return new Map(found.map((r) => [r.id, r.status]));
}

export async function recordIngestProgress(db: Db, uploadId: string, rowsRead: number, leaseMs: number): Promise<void> {
  await db.execute(sql`
    UPDATE uploads SET rows_read = ${rowsRead}, lease_until = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
    WHERE id = ${uploadId} AND status = ${UploadStatus.ingesting}`);
}

export interface IngestTotals { validRecords: number; invalidRecords: number; totalPages: number }

/** Records are read: the upload waits for a person to review and confirm them. Undefined when it is no longer being read (cancelled). */
export async function enterReview(db: Db, uploadId: string): Promise<IngestTotals | undefined> {
  const counts = await recordCounts(db, uploadId);
  const moved = await db.update(uploads).set({
    status: UploadStatus.reviewing, validRecords: counts.valid, invalidRecords: counts.invalid, leaseUntil: null, updatedAt: sql`now()`,
  }).where(and(eq(uploads.id, uploadId), eq(uploads.status, UploadStatus.ingesting))).returning({ id: uploads.id });
  return moved.length > 0 ? { validRecords: counts.valid, invalidRecords: counts.invalid, totalPages: 0 } : undefined;
}

/**
 * Freezes the records into a chunk plan, one row per page holding its record range, and hands the upload to
 * delivery, in one transaction: after it, the database is the queue. Only an upload in `from` is taken (the row
 * lock makes a concurrent edit or a second confirm wait, then find the status changed); undefined otherwise.
 */
export async function writeChunkPlan(
  db: Db, uploadId: string, chunkSize: number, from: UploadStatus,
): Promise<(IngestTotals & { status: UploadStatus }) | undefined> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [upload] = await rows<{ rowsRead: number }>(t, sql`
      SELECT rows_read AS "rowsRead" FROM uploads WHERE id = ${uploadId} AND status = ${from} FOR UPDATE`);
    if (!upload) return undefined;
    const counts = await recordCounts(t, uploadId);
    await tx.execute(sql`DELETE FROM chunks WHERE upload_id = ${uploadId}`);
    await insertChunkPlan(t, uploadId, chunkSize);
    const totalPages = Math.ceil(counts.valid / chunkSize);
    const nothingToSend = counts.valid === 0;
    const status = nothingToSend ? UploadStatus.failed : UploadStatus.delivering;
    await tx.update(uploads).set({
      status,
      error: nothingToSend ? (upload.rowsRead === 0 ? 'the file has no data rows' : 'no valid rows to deliver: every row has errors') : null,
      finishedAt: nothingToSend ? sql`now()` : null,
      chunkSize,
      validRecords: counts.valid,
      invalidRecords: counts.invalid,
      totalPages,
      leaseUntil: null,
      updatedAt: sql`now()`,
    }).where(eq(uploads.id, uploadId));
    return { validRecords: counts.valid, invalidRecords: counts.invalid, totalPages, status };
  });
}

/**
 * Expires interactive uploads nobody touched for `ttlMs`: their records and stored files go, and their ids are
 * returned so that local copies of their files can go too. The status condition makes it safe from several processes at once.
 */
export async function expireAbandoned(db: Db, ttlMs: number): Promise<string[]> {
  // One statement: nobody sees an expired upload that still has its records or its stored file.
  const expired = await rows<{ id: string }>(db, sql`
    WITH expired AS (
      UPDATE uploads SET status = ${UploadStatus.expired}, finished_at = now(), updated_at = now(), lease_until = NULL,
        error = 'not confirmed in time: the upload was left in ' || status || ' and its file and records were removed'
      WHERE status IN (${UploadStatus.mapping}, ${UploadStatus.reviewing}) AND updated_at < now() - ${ttlMs} * interval '1 millisecond'
      RETURNING id
    ), records AS (
      DELETE FROM record_blocks WHERE upload_id IN (SELECT id FROM expired)
    ), parts AS (
      DELETE FROM upload_file_parts WHERE upload_id IN (SELECT id FROM expired)
    )
    SELECT id FROM expired`);
  return expired.map((e) => e.id);
}

/** An upload being read could not be: it fails with the reason. False when it was no longer being read (cancelled). */
export async function failUpload(db: Db, uploadId: string, error: string): Promise<boolean> {
  const failed = await db.update(uploads).set({ status: UploadStatus.failed, error, leaseUntil: null, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(uploads.id, uploadId), eq(uploads.status, UploadStatus.ingesting))).returning({ id: uploads.id });
  return failed.length > 0;
}

/** The statuses an upload can be cancelled from: those with work still ahead of it. */
const CANCELLABLE: readonly string[] = [UploadStatus.mapping, UploadStatus.ingesting, UploadStatus.reviewing, UploadStatus.delivering];

/**
 * Cancels an upload still being mapped, read, reviewed or delivered, in one transaction under its row lock (which a
 * block write of ingest, a confirm and a redelivery take too, so none of them lands after it unseen): its pending
 * pages become cancelled (a page in flight among them may still be delivered: its settle says so, else it stays
 * cancelled), records read by an unfinished ingest go, and so does a stored file; delivered and failed pages and
 * every attempt stay.
 * The status the upload was in, and whether this call cancelled it; undefined when there is no such upload.
 */
export async function cancelUpload(db: Db, uploadId: string): Promise<{ was: string; cancelled: boolean } | undefined> {
  return db.transaction(async (tx) => {
    const t = tx as unknown as Db;
    const [found] = await rows<{ status: string }>(t, sql`SELECT status FROM uploads WHERE id = ${uploadId} FOR UPDATE`);
    if (!found) return undefined;
    if (!CANCELLABLE.includes(found.status)) return { was: found.status, cancelled: false };
    await tx.execute(sql`
      UPDATE uploads SET status = ${UploadStatus.cancelled}, lease_until = NULL, finished_at = now(), updated_at = now()
      WHERE id = ${uploadId}`);
    await tx.execute(sql`
      UPDATE chunks SET status = ${ChunkStatus.cancelled}, updated_at = now() WHERE upload_id = ${uploadId} AND status = ${ChunkStatus.pending}`);
    // Half a file's records are of use to nobody; a review's or a delivery's stay readable.
    if (found.status === UploadStatus.ingesting) await tx.execute(sql`DELETE FROM record_blocks WHERE upload_id = ${uploadId}`);
    // The file stored with it on a shared database goes with the status; local copies go once their process sees it.
    await tx.execute(sql`DELETE FROM upload_file_parts WHERE upload_id = ${uploadId}`);
    return { was: found.status, cancelled: true };
  });
}

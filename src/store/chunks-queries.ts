// Chunks beyond the delivery queue (see delivery-queue.ts): leases at start, the delivery log and redelivery. A page's
// records are read from their blocks (records-queries.ts).
import { sql } from 'drizzle-orm';
import { rows, type Db } from './db.ts';
import { ChunkStatus, UploadStatus } from '../domain/states.ts';

/** On the embedded store only one process exists, so at start every lease is a dead process's. */
export async function releaseAllLeases(db: Db): Promise<void> {
  await db.execute(sql`UPDATE chunks SET lease_until = NULL WHERE lease_until IS NOT NULL`);
  await db.execute(sql`UPDATE uploads SET lease_until = NULL WHERE lease_until IS NOT NULL`);
}

export interface PageLog {
  page: number;
  status: string;
  webhookId: string;
  recordCount: number;
  attempts: { at: string; durationMs: number; outcome: string; httpStatus: number | null; error: string | null; responseExcerpt: string | null }[];
}

/**
 * Pages from `fromPage` on, with their attempts; `total` counts the upload's pages the filter lets through, and
 * `nextFromPage` is where the next request starts (null after the last one).
 */
export async function listDeliveries(
  db: Db, uploadId: string, filter: { status?: ChunkStatus }, fromPage: number, limit: number,
): Promise<{ pages: PageLog[]; total: number; nextFromPage: number | null }> {
  const only = filter.status ? sql`AND c.status = ${filter.status}` : sql``;
  const [pages, [{ total, last }]] = await Promise.all([
    rows<PageLog>(db, sql`
      SELECT c.page, c.status, c.webhook_id AS "webhookId", c.record_count AS "recordCount",
        coalesce((SELECT json_agg(json_build_object(
            'at', a.started_at, 'durationMs', a.duration_ms, 'outcome', a.outcome, 'httpStatus', a.http_status,
            'error', a.error, 'responseExcerpt', a.response_excerpt) ORDER BY a.id)
          FROM delivery_attempts a WHERE a.upload_id = c.upload_id AND a.page = c.page), '[]'::json) AS attempts
      FROM chunks c WHERE c.upload_id = ${uploadId} AND c.page >= ${fromPage} ${only}
      ORDER BY c.page LIMIT ${limit}`),
    rows<{ total: number; last: number }>(db, sql`
      SELECT count(*)::int AS total, coalesce(max(c.page), 0)::int AS last FROM chunks c WHERE c.upload_id = ${uploadId} ${only}`),
  ]);
  const reached = pages.length > 0 ? pages[pages.length - 1].page : undefined;
  return { pages, total, nextFromPage: reached !== undefined && reached < last ? reached + 1 : null };
}

/**
 * Puts pages back in the queue for a new round of attempts: the given ones, or else every undelivered one. Undefined
 * when the upload was cancelled (its row lock taken first: a cancel at the same moment comes wholly before or after).
 */
export async function requeuePages(db: Db, uploadId: string, pages: number[] | null): Promise<number[] | undefined> {
  return db.transaction(async (tx) => {
    const [upload] = await rows<{ status: string }>(tx as unknown as Db, sql`SELECT status FROM uploads WHERE id = ${uploadId} FOR UPDATE`);
    if (!upload || upload.status === UploadStatus.cancelled) return undefined;
    const which = pages ? sql`page = ANY(${`{${pages.join(',')}}`}::int[])` : sql`status = ${ChunkStatus.failed}`;
    const requeued = await rows<{ page: number }>(tx as unknown as Db, sql`
      UPDATE chunks SET status = ${ChunkStatus.pending}, attempts = 0, next_attempt_at = now(), lease_until = NULL, updated_at = now()
      WHERE upload_id = ${uploadId} AND status <> ${ChunkStatus.pending} AND ${which}
      RETURNING page`);
    if (requeued.length > 0) {
      await tx.execute(sql`
        UPDATE uploads SET status = ${UploadStatus.delivering}, error = NULL, finished_at = NULL, updated_at = now()
        WHERE id = ${uploadId}`);
    }
    return requeued.map((r) => r.page).sort((a, b) => a - b);
  });
}

// The delivery queue: claiming due chunks, settling attempts, the delivery log and redelivery.
import { sql } from 'drizzle-orm';
import type { RetryBackoff } from '../delivery/retry-policy.ts';
import { rows, type Db } from './db.ts';
import { chunkRecords } from './records-queries.ts';
import { ChunkStatus, UploadStatus } from './states.ts';

/** Everything a worker needs to send one chunk, read in the same statement that claims it. */
export interface ClaimedChunk {
  uploadId: string;
  page: number;
  firstRow: number;
  lastRow: number;
  recordCount: number;
  webhookId: string;
  attempts: number;
  templateCode: string;
  extraJson: string;
  authHeaderValue: string | null;
  totalRecords: number;
  totalPages: number;
  callbackUrl: string | null;
  authHeaderName: string | null;
  retryCount: number;
  retryIntervalMs: number;
  retryBackoff: RetryBackoff;
  timeoutMs: number;
  /** Sealed; null when the destination has no signing secret. */
  signingSecret: string | null;
  /** Sealed; only while the grace period of the last rotation lasts, else null. */
  previousSigningSecret: string | null;
}

/** The lowest pending page of each upload being delivered: the only page of it that may be sent. */
const HEADS = sql`
  SELECT u.id AS upload_id,
    (SELECT min(c.page) FROM chunks c WHERE c.upload_id = u.id AND c.status = ${ChunkStatus.pending}) AS page
  FROM uploads u WHERE u.status = ${UploadStatus.delivering}`;

/**
 * Claims up to `limit` due chunks. Only the lowest unsettled page of an upload is ever due, which keeps pages in
 * order with one in flight per upload; SKIP LOCKED and the lease keep two workers off the same chunk. The lease
 * outlives the request timeout by `leaseMarginMs`, so a live worker never loses a chunk it is still sending.
 */
export function claimDueChunks(db: Db, limit: number, leaseMarginMs: number): Promise<ClaimedChunk[]> {
  return rows<ClaimedChunk>(db, sql`
    WITH heads AS (${HEADS}), due AS (
      SELECT c.upload_id, c.page FROM chunks c JOIN heads h ON h.upload_id = c.upload_id AND h.page = c.page
      WHERE c.next_attempt_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now())
      ORDER BY c.next_attempt_at LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED
    )
    UPDATE chunks c SET
      lease_until = now() + (coalesce(d.timeout_ms, 0) + ${leaseMarginMs}) * interval '1 millisecond',
      updated_at = now()
    FROM due
    JOIN uploads u ON u.id = due.upload_id
    LEFT JOIN destinations d ON d.template_id = u.template_id
    WHERE c.upload_id = due.upload_id AND c.page = due.page
    RETURNING c.upload_id AS "uploadId", c.page, c.first_row AS "firstRow", c.last_row AS "lastRow",
      c.record_count AS "recordCount", c.webhook_id AS "webhookId", c.attempts,
      u.template_code AS "templateCode", u.extra_json AS "extraJson", u.auth_header_value AS "authHeaderValue",
      u.valid_records AS "totalRecords", u.total_pages AS "totalPages",
      d.callback_url AS "callbackUrl", d.auth_header_name AS "authHeaderName",
      coalesce(d.retry_count, 0) AS "retryCount", coalesce(d.retry_interval_ms, 0) AS "retryIntervalMs",
      coalesce(d.retry_backoff, 'fixed') AS "retryBackoff", coalesce(d.timeout_ms, 0) AS "timeoutMs",
      d.signing_secret AS "signingSecret",
      CASE WHEN d.previous_secret_expires_at > now() THEN d.previous_signing_secret END AS "previousSigningSecret"`);
}

/** The page's records as one JSON array, assembled by the database in row order. */
export async function chunkData(db: Db, chunk: Pick<ClaimedChunk, 'uploadId' | 'firstRow' | 'lastRow'>): Promise<string> {
  return chunkRecords(db, chunk.uploadId, chunk.firstRow, chunk.lastRow);
}

export interface AttemptRecord {
  startedAt: Date;
  durationMs: number;
  outcome: string;
  httpStatus?: number;
  error?: string;
  responseExcerpt?: string;
}

/** Records an attempt and settles the chunk in one statement: delivered, failed for good, or due again after `retryInMs`. */
export async function settleChunk(
  db: Db, chunk: Pick<ClaimedChunk, 'uploadId' | 'page'>, attempt: AttemptRecord, retryInMs: number | null,
): Promise<ChunkStatus> {
  const status = attempt.outcome === 'delivered' ? ChunkStatus.delivered : retryInMs === null ? ChunkStatus.failed : ChunkStatus.pending;
  await db.execute(sql`
    WITH attempt AS (
      INSERT INTO delivery_attempts (upload_id, page, started_at, duration_ms, outcome, http_status, error, response_excerpt)
      VALUES (${chunk.uploadId}, ${chunk.page}, ${attempt.startedAt.toISOString()}, ${attempt.durationMs}, ${attempt.outcome},
              ${attempt.httpStatus ?? null}, ${attempt.error ?? null}, ${attempt.responseExcerpt ?? null})
    )
    UPDATE chunks SET status = ${status}, attempts = attempts + 1, lease_until = NULL,
      next_attempt_at = now() + ${retryInMs ?? 0} * interval '1 millisecond',
      delivered_at = CASE WHEN ${status} = ${ChunkStatus.delivered} THEN now() ELSE delivered_at END,
      last_error = ${attempt.error ?? null}, updated_at = now()
    WHERE upload_id = ${chunk.uploadId} AND page = ${chunk.page}`);
  if (status !== ChunkStatus.pending) await finalizeSettledUploads(db, chunk.uploadId);
  return status;
}

/**
 * Gives uploads whose pages are all settled their final status (one upload, or all of them as a safety net).
 * The status condition makes it safe to run twice, or from two processes at once.
 */
export async function finalizeSettledUploads(db: Db, uploadId?: string): Promise<number> {
  const only = uploadId ? sql`AND c.upload_id = ${uploadId}` : sql``;
  const done = await rows<{ id: string }>(db, sql`
    UPDATE uploads u SET
      status = CASE WHEN s.delivered = 0 THEN ${UploadStatus.failed}
                    WHEN s.failed = 0 THEN ${UploadStatus.completed}
                    ELSE ${UploadStatus.completedWithFailures} END,
      error = CASE WHEN s.delivered = 0 THEN 'no page could be delivered; last error: ' || coalesce(s.last_error, 'unknown')
                   ELSE NULL END,
      finished_at = now(), updated_at = now()
    FROM (
      SELECT c.upload_id,
             count(*) FILTER (WHERE c.status = ${ChunkStatus.delivered}) AS delivered,
             count(*) FILTER (WHERE c.status = ${ChunkStatus.failed}) AS failed,
             count(*) FILTER (WHERE c.status = ${ChunkStatus.pending}) AS pending,
             max(c.last_error) AS last_error
      FROM chunks c JOIN uploads x ON x.id = c.upload_id AND x.status = ${UploadStatus.delivering}
      WHERE true ${only}
      GROUP BY c.upload_id
    ) s
    WHERE u.id = s.upload_id AND s.pending = 0 AND u.status = ${UploadStatus.delivering}
    RETURNING u.id`);
  return done.length;
}

/** On the embedded store only one process exists, so at start every lease is a dead process's. */
export async function releaseAllLeases(db: Db): Promise<void> {
  await db.execute(sql`UPDATE chunks SET lease_until = NULL WHERE lease_until IS NOT NULL`);
  await db.execute(sql`UPDATE uploads SET lease_until = NULL WHERE lease_until IS NOT NULL`);
}

/** Milliseconds until the next page may be claimed, or null when nothing is pending. */
export async function msUntilNextDue(db: Db): Promise<number | null> {
  const [row] = await rows<{ ms: number | null }>(db, sql`
    WITH heads AS (${HEADS})
    SELECT (extract(epoch FROM min(greatest(c.next_attempt_at, coalesce(c.lease_until, c.next_attempt_at))) - now()) * 1000)::float8 AS ms
    FROM chunks c JOIN heads h ON h.upload_id = c.upload_id AND h.page = c.page`);
  return row?.ms ?? null;
}

export interface PageLog {
  page: number;
  status: string;
  webhookId: string;
  recordCount: number;
  attempts: { at: string; durationMs: number; outcome: string; httpStatus: number | null; error: string | null; responseExcerpt: string | null }[];
}

export function listDeliveries(db: Db, uploadId: string, fromPage: number, limit: number): Promise<PageLog[]> {
  return rows<PageLog>(db, sql`
    SELECT c.page, c.status, c.webhook_id AS "webhookId", c.record_count AS "recordCount",
      coalesce((SELECT json_agg(json_build_object(
          'at', a.started_at, 'durationMs', a.duration_ms, 'outcome', a.outcome, 'httpStatus', a.http_status,
          'error', a.error, 'responseExcerpt', a.response_excerpt) ORDER BY a.id)
        FROM delivery_attempts a WHERE a.upload_id = c.upload_id AND a.page = c.page), '[]'::json) AS attempts
    FROM chunks c WHERE c.upload_id = ${uploadId} AND c.page >= ${fromPage}
    ORDER BY c.page LIMIT ${limit}`);
}

/** Puts pages back in the queue for a new round of attempts: the given ones, or else every undelivered one. */
export async function requeuePages(db: Db, uploadId: string, pages: number[] | null): Promise<number[]> {
  return db.transaction(async (tx) => {
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

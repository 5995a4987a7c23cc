// The delivery queue: claiming due chunks, settling attempts, the delivery log and redelivery.
import { sql } from 'drizzle-orm';
import type { RetryBackoff } from '../delivery/retry-policy.ts';
import { SLOT_HORIZON_MS, SLOT_MARGIN_MS } from '../delivery/send-slots.ts';
import { rows, type Db } from './db.ts';
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
  /** Milliseconds from the claim until the request's send slot, for a rate-limited destination; else null. */
  slotInMs: number | null;
}

/** The lease outlives the request timeout, so a live worker never loses a chunk it is still sending. */
export const LEASE_MARGIN_MS = 30_000;

/** A slot's gap for the destination row `d` as an interval (see send-slots.ts). */
const SLOT_GAP = sql`((${1000 + SLOT_MARGIN_MS})::float8 / d.max_requests_per_second) * interval '1 millisecond'`;

/**
 * The pages of each upload being delivered that may be in flight: its `concurrency` lowest unsettled pages (one, by
 * default, which keeps pages strictly in order). A page waiting for its retry keeps its place in the window.
 */
const WINDOWS = sql`
  SELECT w.upload_id, w.page, w.next_attempt_at, w.lease_until, u.template_id,
    d.max_requests_per_second AS rps, d.next_slot_at
  FROM uploads u
  LEFT JOIN destinations d ON d.template_id = u.template_id
  CROSS JOIN LATERAL (
    SELECT c.upload_id, c.page, c.next_attempt_at, c.lease_until FROM chunks c
    WHERE c.upload_id = u.id AND c.status = ${ChunkStatus.pending}
    ORDER BY c.page LIMIT coalesce(d.concurrency, 1)) w
  WHERE u.status = ${UploadStatus.delivering}`;

/**
 * Claims up to `limit` due chunks: pages in their upload's window, due, and not leased; for a rate-limited destination,
 * only as many as it has send slots within SLOT_HORIZON_MS, each reserving its slot on the destination row in this
 * same statement. SKIP LOCKED and the lease keep two workers off the same chunk; the destination's row lock makes
 * workers in every process take its slots one after the other.
 */
export function claimDueChunks(db: Db, limit: number): Promise<ClaimedChunk[]> {
  return rows<ClaimedChunk>(db, sql`
    WITH windows AS (${WINDOWS}), candidates AS MATERIALIZED (
      SELECT w.upload_id, w.page, w.next_attempt_at, w.template_id, w.rps, w.turn,
        row_number() OVER (PARTITION BY w.template_id ORDER BY w.turn, w.next_attempt_at, w.upload_id, w.page) AS nth,
        -- Slots the destination has left within the horizon, as this statement's snapshot sees them.
        floor((${SLOT_HORIZON_MS} - greatest(0, extract(epoch FROM w.next_slot_at - now()) * 1000))
          / (${1000 + SLOT_MARGIN_MS}::float8 / w.rps)) + 1 AS room
      FROM (SELECT *, row_number() OVER (PARTITION BY upload_id ORDER BY page) AS turn FROM windows
            WHERE next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())) w
    ), picked AS (
      SELECT c.upload_id, c.page, k.template_id, k.nth FROM chunks c
      JOIN candidates k ON k.upload_id = c.upload_id AND k.page = c.page
      WHERE (k.rps IS NULL OR k.nth <= k.room)
        AND c.status = ${ChunkStatus.pending} AND c.next_attempt_at <= now() AND (c.lease_until IS NULL OR c.lease_until < now())
      -- Uploads take turns: each one's first due page, then each one's second...
      ORDER BY k.turn, k.next_attempt_at, k.upload_id, k.page LIMIT ${limit}
      FOR UPDATE OF c SKIP LOCKED
    ), limited AS MATERIALIZED (
      -- Locked in one order, so that two claims never wait on each other's destinations.
      SELECT d.template_id, d.next_slot_at, ${SLOT_GAP} AS gap FROM destinations d
      WHERE d.max_requests_per_second IS NOT NULL AND d.template_id IN (SELECT template_id FROM picked)
      ORDER BY d.template_id FOR UPDATE
    ), bases AS MATERIALIZED (
      -- The clock is read once the row is locked: a claim that waited for the lock does not reserve a slot in the past.
      SELECT template_id, greatest(next_slot_at, clock_timestamp()) AS base, gap FROM limited
    ), slotted AS MATERIALIZED (
      SELECT p.upload_id, p.page, b.template_id AS limited_template, b.gap,
        b.base + (row_number() OVER (PARTITION BY p.template_id ORDER BY p.nth) - 1) * b.gap AS slot_at
      FROM picked p LEFT JOIN bases b ON b.template_id = p.template_id
    ), kept AS MATERIALIZED (
      SELECT * FROM slotted WHERE slot_at IS NULL OR slot_at <= clock_timestamp() + ${SLOT_HORIZON_MS} * interval '1 millisecond'
    ), reserved AS (
      UPDATE destinations d SET next_slot_at = r.last_slot + r.gap
      FROM (SELECT limited_template, max(slot_at) AS last_slot, max(gap) AS gap FROM kept
            WHERE limited_template IS NOT NULL GROUP BY limited_template) r
      WHERE d.template_id = r.limited_template
    )
    UPDATE chunks c SET
      lease_until = greatest(now(), k.slot_at) + (coalesce(d.timeout_ms, 0) + ${LEASE_MARGIN_MS}) * interval '1 millisecond',
      updated_at = now()
    FROM kept k
    JOIN uploads u ON u.id = k.upload_id
    LEFT JOIN destinations d ON d.template_id = u.template_id
    WHERE c.upload_id = k.upload_id AND c.page = k.page
    RETURNING c.upload_id AS "uploadId", c.page, c.first_row AS "firstRow", c.last_row AS "lastRow",
      c.record_count AS "recordCount", c.webhook_id AS "webhookId", c.attempts,
      u.template_code AS "templateCode", u.extra_json AS "extraJson", u.auth_header_value AS "authHeaderValue",
      u.valid_records AS "totalRecords", u.total_pages AS "totalPages",
      d.callback_url AS "callbackUrl", d.auth_header_name AS "authHeaderName",
      coalesce(d.retry_count, 0) AS "retryCount", coalesce(d.retry_interval_ms, 0) AS "retryIntervalMs",
      coalesce(d.retry_backoff, 'fixed') AS "retryBackoff", coalesce(d.timeout_ms, 0) AS "timeoutMs",
      d.signing_secret AS "signingSecret",
      CASE WHEN d.previous_secret_expires_at > now() THEN d.previous_signing_secret END AS "previousSigningSecret",
      CASE WHEN k.slot_at IS NULL THEN NULL ELSE (extract(epoch FROM k.slot_at - clock_timestamp()) * 1000)::float8 END AS "slotInMs"`);
}

/** A claimed chunk goes back to the queue untried: its send slot came and went before it could be used. */
export async function releaseChunk(db: Db, chunk: Pick<ClaimedChunk, 'uploadId' | 'page'>): Promise<void> {
  await db.execute(sql`
    UPDATE chunks SET lease_until = NULL, updated_at = now()
    WHERE upload_id = ${chunk.uploadId} AND page = ${chunk.page} AND status = ${ChunkStatus.pending}`);
}

/** The page's records as one JSON array, assembled by the database in row order. */
export async function chunkData(db: Db, chunk: Pick<ClaimedChunk, 'uploadId' | 'firstRow' | 'lastRow'>): Promise<string> {
  const [row] = await rows<{ data: string }>(db, sql`
    SELECT '[' || coalesce(string_agg(data::text, ',' ORDER BY row_index), '') || ']' AS data
    FROM records WHERE upload_id = ${chunk.uploadId} AND valid AND row_index BETWEEN ${chunk.firstRow} AND ${chunk.lastRow}`);
  return row.data;
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
    WITH windows AS (${WINDOWS})
    SELECT (extract(epoch FROM min(greatest(w.next_attempt_at, w.lease_until,
        CASE WHEN w.rps IS NOT NULL THEN w.next_slot_at - ${SLOT_HORIZON_MS} * interval '1 millisecond' END)) - now()) * 1000)::float8 AS ms
    FROM windows w`);
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

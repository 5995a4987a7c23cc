// The delivery queue, as prepared statements: claiming due chunks, settling attempts and claiming the pages that
// follow in the same statement, reading pages ahead, finding when work is next due, and giving uploads their final
// status. Each rule of the queue (an upload's window, when a page is claimable, its lease, the gap between send slots,
// an upload's final status) is one fragment here, taken by every statement that needs it.
import type { RetryBackoff } from '../domain/retry-backoff.ts';
import { SLOT_HORIZON_MS, SLOT_MARGIN_MS } from '../domain/slot-rules.ts';
import { prepared, type Prepared, type Store } from './db.ts';
import { ChunkStatus, UploadStatus } from '../domain/states.ts';

type Runner = Pick<Store, 'run'>;

/** What does not change while an upload is delivered: read with its first claimed page, then kept by the worker. */
export interface UploadContext {
  uploadId: string;
  templateCode: string;
  extraJson: string;
  /** Sealed. */
  authHeaderValue: string | null;
  totalRecords: number;
  totalPages: number;
}

/** One claimed page and its destination as it is now (a destination can change while an upload is delivered). */
export interface ClaimedPage {
  uploadId: string;
  page: number;
  firstRow: number;
  lastRow: number;
  recordCount: number;
  webhookId: string;
  attempts: number;
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

/** Everything a worker needs to send one chunk, read in the same statement that claims it. */
export type ClaimedChunk = ClaimedPage & UploadContext;

/**
 * The statements that lease chunks, one of each per lease margin (SHEETHOOK_LEASE_MARGIN_MS): the lease outlives the
 * request timeout by the margin, so a live worker never loses a chunk it is still sending.
 */
function byLeaseMargin(make: (leaseMarginMs: number) => Prepared): (leaseMarginMs: number) => Prepared {
  const made = new Map<number, Prepared>();
  return (leaseMarginMs) => {
    let statement = made.get(leaseMarginMs);
    if (!statement) made.set(leaseMarginMs, (statement = make(Math.round(leaseMarginMs))));
    return statement;
  };
}

const PENDING = `'${ChunkStatus.pending}'`;
const DELIVERED = `'${ChunkStatus.delivered}'`;
const DELIVERING = `'${UploadStatus.delivering}'`;
const MS = `interval '1 millisecond'`;

/** The destination `d`'s columns a send needs, under the names ClaimedPage gives them. */
const DESTINATION_COLUMNS = `
  d.callback_url AS "callbackUrl", d.auth_header_name AS "authHeaderName",
  coalesce(d.retry_count, 0) AS "retryCount", coalesce(d.retry_interval_ms, 0) AS "retryIntervalMs",
  coalesce(d.retry_backoff, 'fixed') AS "retryBackoff", coalesce(d.timeout_ms, 0) AS "timeoutMs",
  d.signing_secret AS "signingSecret",
  CASE WHEN d.previous_secret_expires_at > now() THEN d.previous_signing_secret END AS "previousSigningSecret"`;

/** The chunk `c`'s columns a send needs, under the names ClaimedPage gives them. */
const PAGE_COLUMNS = `c.upload_id AS "uploadId", c.page, c.first_row AS "firstRow", c.last_row AS "lastRow",
  c.record_count AS "recordCount", c.webhook_id AS "webhookId", c.attempts`;

/** Whether the chunk `c` is leased by nobody: never claimed, settled since, or its claimer's lease ran out. */
const UNLEASED = (c: string) => `(${c}.lease_until IS NULL OR ${c}.lease_until < now())`;

/** Whether the pending chunk `c` may be claimed now: due (a retry's delay is over), and leased by nobody. */
const CLAIMABLE = (c: string) => `${c}.next_attempt_at <= now() AND ${UNLEASED(c)}`;

/** Until when a chunk claimed for a request that starts at `start` is leased: the request's timeout, and then the margin. */
const LEASE_UNTIL = (start: string, timeoutMs: string, leaseMarginMs: number) =>
  `${start} + (${timeoutMs} + ${leaseMarginMs}) * ${MS}`;

/** An upload `u` whose pages may be sent: it is being delivered, and its destination `d` is not paused. */
const SENDING = `u.status = ${DELIVERING} AND d.paused_at IS NULL`;

/**
 * The window of the upload `uploadId`: its `size` lowest pending pages, those that may be in flight (a destination's
 * `concurrency`: one, by default, which keeps pages strictly in order). A page waiting for its retry keeps its place
 * in the window. `also`: a further condition on the chunk `c`.
 */
const WINDOW = (uploadId: string, size: string, also = '', columns = '') => `
  SELECT c.upload_id, c.page, c.next_attempt_at, c.lease_until ${columns} FROM chunks c
  WHERE c.upload_id = ${uploadId} AND c.status = ${PENDING} ${also}
  ORDER BY c.page LIMIT ${size}`;

/**
 * The windows of every upload being delivered. Uploads to a paused destination have none: their pages wait, unclaimed
 * and untried, until it is resumed.
 */
const WINDOWS = `
  SELECT w.upload_id, w.page, w.next_attempt_at, w.lease_until, u.template_id,
    d.max_requests_per_second AS rps, d.next_slot_at
  FROM uploads u
  LEFT JOIN destinations d ON d.template_id = u.template_id
  CROSS JOIN LATERAL (${WINDOW('u.id', 'coalesce(d.concurrency, 1)')}) w
  WHERE ${SENDING}`;

/**
 * Locks the chunk of `row` (upload_id, page) if it is still due and not leased, skipping it if another claim holds it.
 * Looked up by its key, one row at a time: the plan cannot turn into a scan of every pending chunk.
 */
const LOCK_IF_DUE = (row: string) => `
  SELECT c.upload_id, c.page FROM chunks c
  WHERE c.upload_id = ${row}.upload_id AND c.page = ${row}.page AND c.status = ${PENDING} AND ${CLAIMABLE('c')}
  FOR UPDATE SKIP LOCKED`;

/** The most pages of one upload a destination may have in flight at once (its `concurrency`). */
export const MAX_CONCURRENCY = 64;

/**
 * Milliseconds between two send slots of a destination that allows `rps` requests a second, as a float8: the rule of
 * send-slots.ts, which every statement that reserves or counts slots takes from here.
 */
const SLOT_GAP_MS = (rps: string) => `(${1000 + SLOT_MARGIN_MS}::float8 / ${rps})`;

/** SLOT_GAP_MS as an interval. */
export const slotGap = (rps: string) => `${SLOT_GAP_MS(rps)} * ${MS}`;

/**
 * The first slot a reservation on a destination takes: its next free one, or now if that is past. The clock is read
 * when the expression runs, after the destination's row is locked: a claim that waited for the lock does not reserve a
 * slot in the past.
 */
export const firstFreeSlot = (nextSlotAt: string) => `greatest(${nextSlotAt}, clock_timestamp())`;

const CLAIM_DUE = byLeaseMargin((leaseMarginMs) => prepared(`sheethook_claim_due_${leaseMarginMs}`, ['int'], `
  WITH windows AS (${WINDOWS}), candidates AS MATERIALIZED (
    SELECT w.upload_id, w.page, w.next_attempt_at, w.template_id, w.rps, w.turn,
      row_number() OVER (PARTITION BY w.template_id ORDER BY w.turn, w.next_attempt_at, w.upload_id, w.page) AS nth,
      -- Slots the destination has left within the horizon, as this statement's snapshot sees them.
      floor((${SLOT_HORIZON_MS} - greatest(0, extract(epoch FROM w.next_slot_at - now()) * 1000))
        / ${SLOT_GAP_MS('w.rps')}) + 1 AS room
    FROM (SELECT *, row_number() OVER (PARTITION BY upload_id ORDER BY page) AS turn FROM windows w
          WHERE ${CLAIMABLE('w')}) w
  ), pickable AS MATERIALIZED (
    SELECT * FROM candidates k WHERE k.rps IS NULL OR k.nth <= k.room
  ), picked AS (
    -- Uploads take turns: each one's first due page, then each one's second...
    SELECT l.upload_id, l.page, k.template_id, k.nth
    FROM (SELECT * FROM pickable ORDER BY turn, next_attempt_at, upload_id, page) k
    CROSS JOIN LATERAL (${LOCK_IF_DUE('k')}) l
    LIMIT $1::int
  ), limited AS MATERIALIZED (
    -- Locked in one order, so that two claims never wait on each other's destinations.
    SELECT d.template_id, d.next_slot_at, ${slotGap('d.max_requests_per_second')} AS gap FROM destinations d
    WHERE d.max_requests_per_second IS NOT NULL AND d.template_id IN (SELECT template_id FROM picked)
    ORDER BY d.template_id FOR UPDATE
  ), bases AS MATERIALIZED (
    SELECT template_id, ${firstFreeSlot('next_slot_at')} AS base, gap FROM limited
  ), slotted AS MATERIALIZED (
    SELECT p.upload_id, p.page, b.template_id AS limited_template, b.gap,
      b.base + (row_number() OVER (PARTITION BY p.template_id ORDER BY p.nth) - 1) * b.gap AS slot_at
    FROM picked p LEFT JOIN bases b ON b.template_id = p.template_id
  ), kept AS MATERIALIZED (
    SELECT * FROM slotted WHERE slot_at IS NULL OR slot_at <= clock_timestamp() + ${SLOT_HORIZON_MS} * ${MS}
  ), reserved AS (
    UPDATE destinations d SET next_slot_at = r.last_slot + r.gap
    FROM (SELECT limited_template, max(slot_at) AS last_slot, max(gap) AS gap FROM kept
          WHERE limited_template IS NOT NULL GROUP BY limited_template) r
    WHERE d.template_id = r.limited_template
  )
  UPDATE chunks c SET
    lease_until = ${LEASE_UNTIL('greatest(now(), k.slot_at)', 'coalesce(d.timeout_ms, 0)', leaseMarginMs)},
    updated_at = now()
  FROM kept k
  JOIN uploads u ON u.id = k.upload_id
  LEFT JOIN destinations d ON d.template_id = u.template_id
  WHERE c.upload_id = k.upload_id AND c.page = k.page
  RETURNING ${PAGE_COLUMNS},
    u.template_code AS "templateCode", u.extra_json AS "extraJson", u.auth_header_value AS "authHeaderValue",
    u.valid_records AS "totalRecords", u.total_pages AS "totalPages", ${DESTINATION_COLUMNS},
    CASE WHEN k.slot_at IS NULL THEN NULL ELSE (extract(epoch FROM k.slot_at - clock_timestamp()) * 1000)::float8 END AS "slotInMs",
    (SELECT count(*) FROM pickable)::int AS waiting`));

/**
 * Claims up to `limit` due chunks: pages in their upload's window, due, not leased, and not to a paused destination;
 * for a rate-limited destination, only as many as it has send slots within SLOT_HORIZON_MS, each reserving its slot on
 * the destination row in this same statement. SKIP LOCKED and the lease keep two workers off the same chunk; the destination's row lock makes
 * workers in every process take its slots one after the other. `waiting`: how many could have been claimed, had
 * `limit` been no limit.
 */
export async function claimDueChunks(
  store: Runner, limit: number, leaseMarginMs: number,
): Promise<{ chunks: ClaimedChunk[]; waiting: number }> {
  const found = await store.run<ClaimedChunk & { waiting: number }>(CLAIM_DUE(leaseMarginMs), [limit]);
  return { chunks: found, waiting: found[0]?.waiting ?? 0 };
}

/** The outcome of one attempt, as settleAndClaim records it. */
export interface Settle {
  uploadId: string;
  page: number;
  status: ChunkStatus;
  /** When the page is due again, for a page still pending. */
  retryInMs: number | null;
  startedAt: Date;
  durationMs: number;
  outcome: string;
  httpStatus?: number;
  error?: string;
  responseExcerpt?: string;
}

/**
 * A page's status after an attempt: the attempt's, except that a page cancelled while it was in flight stays cancelled
 * unless this attempt delivered it (then the receiver has it, and the page is counted delivered).
 */
const KEEP_CANCELLED = (current: string, settled: string) =>
  `CASE WHEN ${current} = '${ChunkStatus.cancelled}' AND ${settled} <> ${DELIVERED} THEN ${current} ELSE ${settled} END`;

const MANY_SETTLES = `SELECT * FROM json_to_recordset($1::json) AS r(upload_id uuid, page int, status text, retry_ms float8,
  started_at timestamptz, duration_ms int, outcome text, http_status int, error text, excerpt text)`;

/** Where an attempt is recorded, in the order of the values of `s` and of the parameters of SETTLE_ONE_AND_CLAIM. */
const ATTEMPT_COLUMNS = 'upload_id, page, started_at, duration_ms, outcome, http_status, error, response_excerpt';

/** A chunk `c` settled with `status` after an attempt, due again `retryMs` later if still pending. */
const SETTLE_CHUNK = (status: string, retryMs: string, error: string) => `
  status = ${KEEP_CANCELLED('c.status', status)}, attempts = c.attempts + 1, lease_until = NULL,
  next_attempt_at = now() + coalesce(${retryMs}, 0) * ${MS},
  delivered_at = CASE WHEN ${status} = ${DELIVERED} THEN now() ELSE c.delivered_at END,
  last_error = ${error}, updated_at = now()`;

/**
 * An upload `u` whose next pages a settle may claim: one the claim may take, unless its destination has a rate limit
 * (whose pages take the claim that reserves send slots).
 */
const PIPELINED = `${SENDING} AND d.max_requests_per_second IS NULL`;

/** The destination columns of DESTINATION_COLUMNS, passed on from the row `t` that read them. */
const PASSED_ON = (t: string) => ['callbackUrl', 'authHeaderName', 'retryCount', 'retryIntervalMs', 'retryBackoff', 'timeoutMs',
  'signingSecret', 'previousSigningSecret'].map((name) => `${t}."${name}"`).join(', ');

/** Settles the attempts of the JSON array $1 and claims up to $2 pages that may follow them. */
const SETTLE_MANY_AND_CLAIM = byLeaseMargin((leaseMarginMs) => prepared(`sheethook_settle_many_and_claim_${leaseMarginMs}`, ['json', 'int'], `
  WITH s AS MATERIALIZED (${MANY_SETTLES}), logged AS (
    INSERT INTO delivery_attempts (${ATTEMPT_COLUMNS})
    SELECT upload_id, page, started_at, duration_ms, outcome, http_status, error, excerpt FROM s
  ), settled AS (
    UPDATE chunks c SET ${SETTLE_CHUNK('s.status', 's.retry_ms', 's.error')}
    FROM s
    -- The keys as arrays too: the chunks are found through the primary key, not by scanning the table.
    WHERE c.upload_id = ANY (ARRAY(SELECT upload_id FROM s)) AND c.page = ANY (ARRAY(SELECT page FROM s))
      AND c.upload_id = s.upload_id AND c.page = s.page
  ), targets AS MATERIALIZED (
    -- The uploads whose next pages this statement may claim.
    SELECT u.id AS upload_id, d.concurrency, d.timeout_ms, ${DESTINATION_COLUMNS}
    FROM uploads u JOIN destinations d ON d.template_id = u.template_id
    WHERE u.id IN (SELECT upload_id FROM s) AND ${PIPELINED}
  ), windows AS (
    -- This statement's snapshot still has the pages it settles as pending: those are left out.
    SELECT w.* FROM targets t CROSS JOIN LATERAL (${WINDOW('t.upload_id', 't.concurrency',
      `AND NOT EXISTS (SELECT 1 FROM s WHERE s.upload_id = c.upload_id AND s.page = c.page AND s.status <> ${PENDING})`,
      ', row_number() OVER (ORDER BY c.page) AS turn')}) w
  ), picked AS (
    SELECT l.upload_id, l.page
    FROM (SELECT * FROM windows w
          WHERE ${CLAIMABLE('w')} AND NOT EXISTS (SELECT 1 FROM s WHERE s.upload_id = w.upload_id AND s.page = w.page)
          -- Uploads take turns: each one's first claimable page, then each one's second...
          ORDER BY w.turn, w.page, w.upload_id) w
    CROSS JOIN LATERAL (${LOCK_IF_DUE('w')}) l
    LIMIT $2::int
  ), claimed AS (
    UPDATE chunks c SET lease_until = ${LEASE_UNTIL('now()', 't.timeout_ms', leaseMarginMs)}, updated_at = now()
    FROM picked p JOIN targets t ON t.upload_id = p.upload_id
    WHERE c.upload_id = p.upload_id AND c.page = p.page
    RETURNING ${PAGE_COLUMNS}, ${PASSED_ON('t')}
  ), uploads_settled AS (
    SELECT upload_id, bool_or(status <> ${PENDING}) AS settled_one FROM s GROUP BY upload_id
  )
  SELECT 'page' AS kind, k.*, NULL::boolean AS pipelined, NULL::boolean AS "mayBeDone"
  FROM claimed k
  UNION ALL
  SELECT 'upload', f.upload_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    f.upload_id IN (SELECT upload_id FROM targets),
    -- Every page of it is settled or in flight: whoever settles the last one finds it done. In flight are at most
    -- MAX_CONCURRENCY pages and those settled here, so looking at that many of the lowest pending pages tells.
    f.settled_one AND NOT EXISTS (
      SELECT 1 FROM (${WINDOW('f.upload_id', `${MAX_CONCURRENCY + 1} + (SELECT count(*) FROM s)`)}) p
      WHERE ${UNLEASED('p')}
        AND NOT EXISTS (SELECT 1 FROM s WHERE s.upload_id = f.upload_id AND s.page = p.page))
  FROM uploads_settled f
  -- An upload with a page claimed here is pipelined, and not done: its row would tell nothing.
  WHERE NOT EXISTS (SELECT 1 FROM claimed k WHERE k."uploadId" = f.upload_id)`));

/**
 * SETTLE_MANY_AND_CLAIM for a single settle, with its upload and page as parameters: the same result, in a statement of
 * key lookups only (no sorts, joins or window functions to run for one upload), as the pipeline of concurrency 1 runs
 * one for every chunk. Built from the same fragments; the rules are theirs.
 */
const SETTLE_ONE_AND_CLAIM = byLeaseMargin((leaseMarginMs) => prepared(`sheethook_settle_one_and_claim_${leaseMarginMs}`,
  ['uuid', 'int', 'text', 'float8', 'timestamptz', 'int', 'text', 'int', 'text', 'text', 'int'], `
  WITH logged AS (
    INSERT INTO delivery_attempts (${ATTEMPT_COLUMNS})
    VALUES ($1::uuid, $2::int, $5::timestamptz, $6::int, $7::text, $8::int, $9::text, $10::text)
  ), settled AS (
    UPDATE chunks c SET ${SETTLE_CHUNK('$3::text', '$4::float8', '$9::text')}
    WHERE c.upload_id = $1::uuid AND c.page = $2::int
  ), target AS MATERIALIZED (
    SELECT d.concurrency, d.timeout_ms, ${DESTINATION_COLUMNS}
    FROM uploads u JOIN destinations d ON d.template_id = u.template_id
    WHERE u.id = $1 AND ${PIPELINED}
  ), window_pages AS MATERIALIZED (${WINDOW('$1', 'coalesce((SELECT concurrency FROM target), 0)',
    `AND NOT (c.page = $2 AND $3 <> ${PENDING})`)}
  ), picked AS (
    SELECT l.page FROM window_pages w
    CROSS JOIN LATERAL (${LOCK_IF_DUE('w')}) l
    WHERE w.page <> $2 AND ${CLAIMABLE('w')}
    LIMIT $11::int
  ), claimed AS (
    UPDATE chunks c SET lease_until = ${LEASE_UNTIL('now()', 't.timeout_ms', leaseMarginMs)}, updated_at = now()
    FROM picked p, target t
    WHERE c.upload_id = $1 AND c.page = p.page
    RETURNING ${PAGE_COLUMNS}, ${PASSED_ON('t')}
  )
  SELECT CASE WHEN k.page IS NULL THEN 'upload' ELSE 'page' END AS kind, $1::uuid AS "uploadId",
    k.page, k."firstRow", k."lastRow", k."recordCount", k."webhookId", k.attempts, ${PASSED_ON('k')},
    EXISTS (SELECT 1 FROM target) AS pipelined,
    -- As in SETTLE_MANY_AND_CLAIM.
    $3::text <> ${PENDING} AND NOT EXISTS (
      SELECT 1 FROM (${WINDOW('$1', `${MAX_CONCURRENCY + 2}`)}) p
      WHERE ${UNLEASED('p')} AND p.page <> $2
        AND NOT EXISTS (SELECT 1 FROM claimed x WHERE x.page = p.page)) AS "mayBeDone"
  FROM (SELECT 1) one LEFT JOIN claimed k ON true`));

export interface SettleOutcome {
  /** Pages claimed for the uploads settled, within their windows and `take`. */
  claimed: ClaimedPage[];
  /**
   * Per upload settled that had no page claimed here: whether its next pages can be claimed here (else they need
   * claimDueChunks), whether it may be done.
   */
  uploads: { uploadId: string; pipelined: boolean; mayBeDone: boolean }[];
}

/**
 * Records attempts and settles their chunks (delivered, failed for good, or due again after `retryInMs`), and in the
 * same statement claims up to `take` pages that may follow in those uploads: the next one in order, or as many as
 * each destination's concurrency lets into its window. One round trip per chunk sent, or fewer when several settle at once.
 */
export async function settleAndClaim(store: Runner, settles: Settle[], take: number, leaseMarginMs: number): Promise<SettleOutcome> {
  type Row = ClaimedPage & { kind: string; pipelined: boolean; mayBeDone: boolean };
  let found: Row[];
  if (settles.length === 1) {
    const [x] = settles;
    found = await store.run<Row>(SETTLE_ONE_AND_CLAIM(leaseMarginMs), [
      x.uploadId, x.page, x.status, x.retryInMs, x.startedAt, x.durationMs, x.outcome, x.httpStatus ?? null, x.error ?? null,
      x.responseExcerpt ?? null, take,
    ]);
  } else {
    const input = JSON.stringify(settles.map((x) => ({
      upload_id: x.uploadId, page: x.page, status: x.status, retry_ms: x.retryInMs, started_at: x.startedAt.toISOString(),
      duration_ms: x.durationMs, outcome: x.outcome, http_status: x.httpStatus ?? null, error: x.error ?? null,
      excerpt: x.responseExcerpt ?? null,
    })));
    found = await store.run<Row>(SETTLE_MANY_AND_CLAIM(leaseMarginMs), [input, take]);
  }
  const outcome: SettleOutcome = { claimed: [], uploads: [] };
  for (const row of found) {
    if (row.kind === 'page') {
      const { kind: _kind, pipelined: _p, mayBeDone: _d, ...page } = row;
      outcome.claimed.push({ ...page, slotInMs: null });
    } else {
      outcome.uploads.push({ uploadId: row.uploadId, pipelined: row.pipelined, mayBeDone: row.mayBeDone });
    }
  }
  return outcome;
}

/** How the pages of an upload ended, over its chunks `c`: what its final status is decided by. */
const PAGE_ENDS = `count(*) FILTER (WHERE c.status = ${DELIVERED}) AS delivered,
  count(*) FILTER (WHERE c.status = '${ChunkStatus.failed}') AS failed, max(c.last_error) AS last_error`;

/**
 * An upload's final status, from how its pages ended (`s`, of PAGE_ENDS): failed when not one page was delivered,
 * completed when none failed, else completed with failures.
 */
const FINAL_STATUS = `
  status = CASE WHEN s.delivered = 0 THEN '${UploadStatus.failed}'
                WHEN s.failed = 0 THEN '${UploadStatus.completed}'
                ELSE '${UploadStatus.completedWithFailures}' END,
  error = CASE WHEN s.delivered = 0 THEN 'no page could be delivered; last error: ' || coalesce(s.last_error, 'unknown')
               ELSE NULL END,
  finished_at = now(), updated_at = now()`;

const UPLOAD_END = `u.id AS "uploadId", u.status, s.delivered::int AS "pagesDelivered", s.failed::int AS "pagesFailed"`;

const FINALIZE_UPLOAD = prepared('sheethook_finalize_upload', ['uuid'], `
  UPDATE uploads u SET ${FINAL_STATUS}
  FROM (SELECT ${PAGE_ENDS} FROM chunks c WHERE c.upload_id = $1::uuid) s
  WHERE u.id = $1::uuid AND u.status = ${DELIVERING}
    AND NOT EXISTS (SELECT 1 FROM chunks WHERE upload_id = $1::uuid AND status = ${PENDING})
  RETURNING ${UPLOAD_END}`);

/** An upload given its final status, and how its pages ended. */
export interface UploadEnd { uploadId: string; status: UploadStatus; pagesDelivered: number; pagesFailed: number }

/**
 * Gives the upload its final status if all its pages are settled; undefined when it is not done, or not delivering
 * (a cancelled upload keeps its status). The status condition makes it safe to run twice, or from two processes at
 * once; it runs after the settle committed, so of two settling the last pages at once, the later one finds the other's
 * page settled.
 */
export async function finalizeUpload(store: Runner, uploadId: string): Promise<UploadEnd | undefined> {
  const [ended] = await store.run<UploadEnd>(FINALIZE_UPLOAD, [uploadId]);
  return ended;
}

const FINALIZE_SETTLED_UPLOADS = prepared('sheethook_finalize_settled_uploads', [], `
  UPDATE uploads u SET ${FINAL_STATUS}
  FROM (
    SELECT c.upload_id, ${PAGE_ENDS}, count(*) FILTER (WHERE c.status = ${PENDING}) AS pending
    FROM chunks c JOIN uploads x ON x.id = c.upload_id AND x.status = ${DELIVERING}
    GROUP BY c.upload_id
  ) s
  WHERE u.id = s.upload_id AND s.pending = 0 AND u.status = ${DELIVERING}
  RETURNING ${UPLOAD_END}`);

/**
 * The safety net: gives every upload whose pages are all settled its final status, as finalizeUpload does (for one
 * whose last settle could not, a crash in between). Safe to run twice, or from two processes at once.
 */
export async function finalizeSettledUploads(store: Runner): Promise<UploadEnd[]> {
  return store.run<UploadEnd>(FINALIZE_SETTLED_UPLOADS, []);
}

const UPCOMING_PAGES = prepared('sheethook_upcoming_pages', ['uuid', 'int', 'int'], `
  SELECT page, first_row AS "firstRow", last_row AS "lastRow", record_count AS "recordCount" FROM chunks
  WHERE upload_id = $1::uuid AND status = ${PENDING} AND page >= $2::int
  ORDER BY page LIMIT $3::int`);

export interface PageRange { page: number; firstRow: number; lastRow: number; recordCount: number }

/** Up to `count` pending pages of an upload from `fromPage` on: the ones whose records are worth reading ahead. */
export function upcomingPages(store: Runner, uploadId: string, fromPage: number, count: number): Promise<PageRange[]> {
  return store.run<PageRange>(UPCOMING_PAGES, [uploadId, fromPage, count]);
}

const UPLOAD_CONTEXT = prepared('sheethook_upload_context', ['uuid'], `
  SELECT id AS "uploadId", template_code AS "templateCode", extra_json AS "extraJson", auth_header_value AS "authHeaderValue",
    valid_records AS "totalRecords", total_pages AS "totalPages"
  FROM uploads WHERE id = $1::uuid`);

export async function uploadContext(store: Runner, uploadId: string): Promise<UploadContext | undefined> {
  const [row] = await store.run<UploadContext>(UPLOAD_CONTEXT, [uploadId]);
  return row;
}

const RELEASE = prepared('sheethook_release_chunk', ['uuid', 'int'], `
  UPDATE chunks SET lease_until = NULL, updated_at = now() WHERE upload_id = $1::uuid AND page = $2::int AND status = ${PENDING}`);

/** A claimed chunk goes back to the queue untried: its send slot came and went before it could be used. */
export async function releaseChunk(store: Runner, chunk: Pick<ClaimedPage, 'uploadId' | 'page'>): Promise<void> {
  await store.run(RELEASE, [chunk.uploadId, chunk.page]);
}

const NEXT_DUE = prepared('sheethook_next_due', [], `
  WITH windows AS (${WINDOWS})
  SELECT (extract(epoch FROM min(greatest(w.next_attempt_at, w.lease_until,
      CASE WHEN w.rps IS NOT NULL THEN w.next_slot_at - ${SLOT_HORIZON_MS} * ${MS} END)) - now()) * 1000)::float8 AS ms
  FROM windows w`);

/** Milliseconds until the next page may be claimed, or null when nothing is pending. */
export async function msUntilNextDue(store: Runner): Promise<number | null> {
  const [row] = await store.run<{ ms: number | null }>(NEXT_DUE, []);
  return row?.ms ?? null;
}

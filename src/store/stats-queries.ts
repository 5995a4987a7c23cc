// A project's delivery statistics over a time range, in buckets of an hour or a day (UTC): attempts by outcome, their
// latency percentiles, and the rows of the uploads made.
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from './db.ts';

export type StatsBucket = 'hour' | 'day';

/** A bucket's length: UTC has no daylight saving, so a day is always 24 hours and buckets can be counted beforehand. */
export const BUCKET_MS: Readonly<Record<StatsBucket, number>> = { hour: 3_600_000, day: 86_400_000 };

/** The outcome of an attempt the receiver accepted, as the delivery log stores it; every other outcome is a failure. */
const DELIVERED = 'delivered';

export interface StatsScope {
  projectId: string;
  /** Only the uploads of this template code; all when undefined. */
  templateCode?: string;
  from: Date;
  /** Exclusive. */
  to: Date;
  bucket: StatsBucket;
}

export interface AttemptFigures {
  attempts: number;
  delivered: number;
  /** Milliseconds, interpolated (percentile_cont); null when there is no attempt. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface BucketFigures extends AttemptFigures {
  /** The bucket's start, in epoch milliseconds. */
  atMs: number;
  /** Rows read of the uploads made in the bucket, and how many uploads. */
  rowsImported: number;
  uploads: number;
}

export interface Stats {
  totals: AttemptFigures & { outcomes: Record<string, number> };
  /** Every bucket from the one holding `from` to the one holding the last instant before `to`, empty ones too. */
  series: BucketFigures[];
}

const FIGURES = sql`count(*)::int AS attempts,
  count(*) FILTER (WHERE a.outcome = ${DELIVERED})::int AS delivered,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY a.duration_ms) AS "p50Ms",
  percentile_cont(0.95) WITHIN GROUP (ORDER BY a.duration_ms) AS "p95Ms"`;

export async function deliveryStats(db: Db, scope: StatsScope): Promise<Stats> {
  const from = scope.from.toISOString();
  const to = scope.to.toISOString();
  const ofTemplate = scope.templateCode === undefined ? sql`` : sql`AND u.template_code = ${scope.templateCode}`;
  // Attempts by when they started, whenever their upload was made: a redelivery today counts today.
  const attempts: SQL = sql`FROM delivery_attempts a JOIN uploads u ON u.id = a.upload_id
    WHERE a.started_at >= ${from}::timestamptz AND a.started_at < ${to}::timestamptz
      AND u.project_id = ${scope.projectId} ${ofTemplate}`;
  const bucketOf = (column: SQL) => sql`date_trunc(${scope.bucket}, ${column}, 'UTC')`;
  const step = `${BUCKET_MS[scope.bucket] / 1000} seconds`;

  const [series, [totals], outcomes] = await Promise.all([
    rows<BucketFigures>(db, sql`
      WITH buckets AS (
        SELECT generate_series(${bucketOf(sql`${from}::timestamptz`)}, ${to}::timestamptz - interval '1 microsecond', ${step}::interval) AS at
      ), tried AS (
        SELECT ${bucketOf(sql`a.started_at`)} AS at, ${FIGURES} ${attempts} GROUP BY 1
      ), made AS (
        SELECT ${bucketOf(sql`u.created_at`)} AS at, sum(u.rows_read)::float8 AS rows, count(*)::int AS uploads
        FROM uploads u
        WHERE u.project_id = ${scope.projectId} ${ofTemplate}
          AND u.created_at >= ${from}::timestamptz AND u.created_at < ${to}::timestamptz
        GROUP BY 1
      )
      SELECT (extract(epoch FROM b.at) * 1000)::float8 AS "atMs",
        coalesce(t.attempts, 0) AS attempts, coalesce(t.delivered, 0) AS delivered, t."p50Ms", t."p95Ms",
        coalesce(m.rows, 0) AS "rowsImported", coalesce(m.uploads, 0) AS uploads
      FROM buckets b LEFT JOIN tried t ON t.at = b.at LEFT JOIN made m ON m.at = b.at
      ORDER BY b.at`),
    rows<AttemptFigures>(db, sql`SELECT ${FIGURES} ${attempts}`),
    rows<{ outcome: string; n: number }>(db, sql`SELECT a.outcome, count(*)::int AS n ${attempts} GROUP BY a.outcome ORDER BY a.outcome`),
  ]);
  return {
    totals: { ...totals, outcomes: Object.fromEntries(outcomes.map((o) => [o.outcome, o.n])) },
    series: series.map((b) => ({ ...b, rowsImported: Number(b.rowsImported) })),
  };
}

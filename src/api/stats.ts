// The dashboard's statistics: delivery attempts, their success and latency, and rows imported, over a time range in
// hourly or daily buckets.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { badRequest } from '../errors.ts';
import { BUCKET_MS, deliveryStats, type AttemptFigures } from '../store/stats-queries.ts';
import { DeliveryStats } from './answer-schemas.ts';
import type { ApiDeps } from './http.ts';
import { MAX_STATS_BUCKETS, StatsQuery } from './schemas.ts';
import { timeRangeOrLast } from './requests/time-range.ts';

/** The range when none is given: the last day. */
const DEFAULT_RANGE_MS = 24 * 3_600_000;

export function statsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/v1/stats', {
    schema: {
      tags: ['Statistics'], operationId: 'getStats', summary: 'Delivery attempts by outcome, success rate, latency and rows imported, by hour or day',
      querystring: StatsQuery, response: { 200: DeliveryStats },
    },
  }, async (req) => {
    const { bucket, template } = req.query;
    const { from, to } = timeRangeOrLast(req.query, DEFAULT_RANGE_MS);
    // Buckets are aligned on UTC hours or days, the first holding `from`.
    const step = BUCKET_MS[bucket];
    const buckets = Math.ceil((to.getTime() - Math.floor(from.getTime() / step) * step) / step);
    if (buckets > MAX_STATS_BUCKETS) {
      throw badRequest('too_many_buckets', `from, to: ${buckets} ${bucket} buckets; at most ${MAX_STATS_BUCKETS}: ` +
        `${bucket === 'hour' ? 'choose bucket=day or ' : 'choose '}a shorter range`);
    }

    const stats = await deliveryStats(deps.db, { projectId: req.projectId, templateCode: template, from, to, bucket });
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      bucket,
      totals: {
        attempts: stats.totals.attempts,
        delivered: stats.totals.delivered,
        failed: stats.totals.attempts - stats.totals.delivered,
        ...rateAndLatency(stats.totals),
        rowsImported: stats.series.reduce((sum, b) => sum + b.rowsImported, 0),
        uploads: stats.series.reduce((sum, b) => sum + b.uploads, 0),
        outcomes: stats.totals.outcomes,
      },
      series: stats.series.map((b) => ({
        at: new Date(b.atMs).toISOString(),
        attempts: b.attempts,
        delivered: b.delivered,
        failedAttempts: b.attempts - b.delivered,
        ...rateAndLatency(b),
        rowsImported: b.rowsImported,
      })),
    };
  });
}

/** The share of attempts delivered (null without attempts), and latency in whole milliseconds. */
function rateAndLatency(f: AttemptFigures) {
  const ms = (value: number | null) => (value === null ? null : Math.round(value));
  return { successRate: f.attempts === 0 ? null : f.delivered / f.attempts, p50Ms: ms(f.p50Ms), p95Ms: ms(f.p95Ms) };
}

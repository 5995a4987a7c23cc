// The dashboard's statistics, from real deliveries (some failing with a receiver's 500): totals, outcomes, latency
// percentiles as the delivery log's durations give them, every bucket of the range, a template's share, the limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addApiKey } from '../src/store/projects-queries.ts';
import { projects } from '../src/store/schema.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { callApi, startService, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let t: TestService;
let fast: Receiver;
let flaky: Receiver;
/** Every attempt the two uploads' delivery logs show, and each upload's rows read and creation. */
let attempts: { template: string; at: number; durationMs: number; outcome: string }[] = [];
let uploads: { template: string; createdAt: number; rows: number }[] = [];

beforeAll(async () => {
  // Answers later for later pages, so that the durations differ.
  [t, fast, flaky] = await Promise.all([
    startService(),
    startReceiver((r) => ({ status: 200, delayMs: 5 * r.body.page })),
    // Page 1 always fails: its two attempts are http_error; page 2 is delivered.
    startReceiver((r) => (r.body.page === 1 ? { status: 500, body: 'down' } : { status: 200 })),
  ]);
  for (const [code, receiver, retryCount] of [['fast', fast, 0], ['flaky', flaky, 1]] as const) {
    expect((await t.api('POST', '/v1/templates', { code, name: code, columns: PEOPLE_COLUMNS })).status).toBe(201);
    const put = await t.api('PUT', `/v1/templates/${code}/destination`, {
      webhook: { callbackUrl: receiver.url, chunkSize: 10, retryCount, retryInterval: 0 },
    });
    expect(put.status).toBe(200);
  }
  for (const [template, file] of [['fast', peopleCsv(25)], ['flaky', peopleCsv(15, new Set([3, 9]))]] as const) {
    const res = await t.api('POST', '/v1/imports', importForm({ template, file }));
    expect(res.status).toBe(202);
    const final = await waitForFinal(t, res.body.uploadId);
    uploads.push({ template, createdAt: Date.parse(final.createdAt), rows: final.totalRecords });
    const log = (await t.api('GET', `/v1/uploads/${res.body.uploadId}/deliveries`)).body.pages;
    for (const page of log) {
      for (const a of page.attempts) attempts.push({ template, at: Date.parse(a.at), durationMs: a.durationMs, outcome: a.outcome });
    }
  }
  expect(attempts.map((a) => a.outcome).sort()).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'http_error', 'http_error']);
});

afterAll(async () => {
  await Promise.all([t?.stop(), fast?.close(), flaky?.close()]);
  attempts = [];
  uploads = [];
});

/** As PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return Math.round(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo));
}

/** What the figures of `some` attempts must be. */
function figures(some: typeof attempts) {
  const delivered = some.filter((a) => a.outcome === 'delivered').length;
  const durations = some.map((a) => a.durationMs);
  return {
    attempts: some.length, delivered, successRate: some.length ? delivered / some.length : null,
    p50Ms: percentile(durations, 0.5), p95Ms: percentile(durations, 0.95),
  };
}

/** Checks every bucket of an answer against the attempts and uploads of the range, `template`'s only when given. */
function expectSeries(body: any, bucketMs: number, template?: string) {
  const from = Date.parse(body.from);
  const to = Date.parse(body.to);
  const first = Math.floor(from / bucketMs) * bucketMs;
  const count = Math.ceil((to - first) / bucketMs);
  expect(body.series).toHaveLength(count);
  body.series.forEach((b: any, i: number) => {
    const start = first + i * bucketMs;
    const inBucket = (at: number) => at >= Math.max(start, from) && at < Math.min(start + bucketMs, to);
    const some = attempts.filter((a) => inBucket(a.at) && (!template || a.template === template));
    const f = figures(some);
    expect(b, `bucket ${i}`).toEqual({
      at: new Date(start).toISOString(), attempts: f.attempts, delivered: f.delivered, failedAttempts: f.attempts - f.delivered,
      successRate: f.successRate, p50Ms: f.p50Ms, p95Ms: f.p95Ms,
      rowsImported: uploads.filter((u) => inBucket(u.createdAt) && (!template || u.template === template)).reduce((s, u) => s + u.rows, 0),
    });
  });
}

describe('GET /v1/stats', () => {
  it('by default covers the last 24 hours in hourly buckets: totals, outcomes and latency as the delivery log shows them', async () => {
    const res = await t.api('GET', '/v1/stats');
    expect(res.status).toBe(200);
    const { body } = res;
    expect(body.bucket).toBe('hour');
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(DAY);
    expect(body.totals).toEqual({
      ...figures(attempts), failed: 2, rowsImported: 40, uploads: 2, outcomes: { delivered: 4, http_error: 2 },
    });
    expect(body.totals.successRate).toBeCloseTo(4 / 6);
    expect(body.totals.p95Ms).toBeGreaterThanOrEqual(body.totals.p50Ms);
    expectSeries(body, HOUR);
    // Most hours of the day had nothing: zeros, and no rate or latency.
    expect(body.series[0]).toMatchObject({ attempts: 0, successRate: null, p50Ms: null, p95Ms: null, rowsImported: 0 });
  });

  it('counts one template\'s uploads and attempts only', async () => {
    const { body } = await t.api('GET', '/v1/stats?template=flaky');
    const flakyAttempts = attempts.filter((a) => a.template === 'flaky');
    expect(body.totals).toEqual({
      ...figures(flakyAttempts), failed: 2, rowsImported: 15, uploads: 1, outcomes: { delivered: 1, http_error: 2 },
    });
    expectSeries(body, HOUR, 'flaky');
    const none = await t.api('GET', '/v1/stats?template=nobody');
    expect(none.body.totals).toMatchObject({ attempts: 0, successRate: null, uploads: 0, outcomes: {} });
  });

  it('buckets by UTC day over a range given as from and to', async () => {
    const to = new Date(Date.now() + HOUR).toISOString();
    const from = new Date(Date.now() - 10 * DAY + 5 * HOUR).toISOString();
    const { body, status } = await t.api('GET', `/v1/stats?bucket=day&from=${from}&to=${to}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ from, to, bucket: 'day' });
    expect(body.series[0].at).toMatch(/T00:00:00\.000Z$/);
    expectSeries(body, DAY);
    expect(body.totals.attempts).toBe(6);
  });

  it('answers every bucket of a range without deliveries, with zeros', async () => {
    const { body } = await t.api('GET', '/v1/stats?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z');
    expect(body.series).toHaveLength(24);
    expect(body.series[23]).toEqual({
      at: '2020-01-01T23:00:00.000Z', attempts: 0, delivered: 0, failedAttempts: 0, successRate: null, p50Ms: null, p95Ms: null, rowsImported: 0,
    });
    expect(body.totals).toEqual({
      attempts: 0, delivered: 0, failed: 0, successRate: null, p50Ms: null, p95Ms: null, rowsImported: 0, uploads: 0, outcomes: {},
    });
  });

  it('sees only the project of the key', async () => {
    const [other] = await t.service.store.db.insert(projects).values({ name: 'Other' }).returning();
    await addApiKey(t.service.store.db, other.id, 'sk_stats_other_project');
    const { body } = await callApi(t.url, 'GET', '/v1/stats', undefined, 'sk_stats_other_project');
    expect(body.totals).toMatchObject({ attempts: 0, uploads: 0, outcomes: {} });
  });

  it('takes at most 366 buckets, and refuses a range or bucket it cannot use with a 400 that names it', async () => {
    // 2024 had 366 days.
    const year = await t.api('GET', '/v1/stats?bucket=day&from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z');
    expect(year.status).toBe(200);
    expect(year.body.series).toHaveLength(366);
    const cases: [string, string, RegExp][] = [
      ['bucket=day&from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:01Z', 'too_many_buckets', /367 day buckets; at most 366/],
      ['from=2024-01-01T00:00:00Z&to=2024-02-01T00:00:00Z', 'too_many_buckets', /744 hour buckets; at most 366: choose bucket=day or a shorter range/],
      ['from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z', 'invalid_request', /from: must be before to/],
      ['bucket=week', 'invalid_request', /bucket/],
      ['from=yesterday', 'invalid_request', /from/],
      ['from=2024-01-01', 'invalid_request', /from/],
      ['form=2024-01-01T00:00:00Z', 'invalid_request', /form/],
    ];
    for (const [query, code, detail] of cases) {
      const res = await t.api('GET', `/v1/stats?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.code, query).toBe(code);
      expect(res.body.detail, query).toMatch(detail);
    }
  });
});

// Prometheus metrics: what was delivered and how it went, what waits, how much was read.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { sql } from 'drizzle-orm';
import { rows, type Db } from './store/db.ts';
import { ChunkStatus } from './domain/states.ts';

export interface Metrics {
  registry: Registry;
  attempts: Counter<'outcome'>;
  attemptSeconds: Histogram<'outcome'>;
  ingestRows: Counter;
  /** Reading threads alive: each holds a heap of its own, so an idle service should have none. */
  readingThreads: Gauge;
}

/** One registry per service (not the global one), so that several services in one process do not mix. */
export function createMetrics(db: Db): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sheethook_' });
  const attempts = new Counter({
    name: 'sheethook_delivery_attempts_total', help: 'Webhook delivery attempts, by outcome', labelNames: ['outcome'], registers: [registry],
  });
  const attemptSeconds = new Histogram({
    name: 'sheethook_delivery_attempt_duration_seconds', help: 'Duration of webhook delivery attempts', labelNames: ['outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry],
  });
  const ingestRows = new Counter({ name: 'sheethook_ingest_rows_total', help: 'Data rows read from uploaded files', registers: [registry] });
  const readingThreads = new Gauge({
    name: 'sheethook_reading_threads', help: 'Threads reading uploaded files, alive now (each with memory of its own)', registers: [registry],
  });
  new Gauge({
    name: 'sheethook_chunks', help: 'Chunks waiting to be delivered: pending (never tried) and retrying (tried, due again)',
    labelNames: ['state'], registers: [registry],
    async collect() {
      const [counts] = await rows<{ pending: number; retrying: number }>(db, sql`
        SELECT count(*) FILTER (WHERE attempts = 0)::int AS pending, count(*) FILTER (WHERE attempts > 0)::int AS retrying
        FROM chunks WHERE status = ${ChunkStatus.pending}`);
      this.set({ state: 'pending' }, counts.pending);
      this.set({ state: 'retrying' }, counts.retrying);
    },
  });
  return { registry, attempts, attemptSeconds, ingestRows, readingThreads };
}

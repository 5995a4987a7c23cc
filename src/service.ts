// Puts the service together from its config: store, then HTTP API, ingest and delivery workers.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { buildHttp } from './api/http.ts';
import { createAddressGuard } from './delivery/address-guard.ts';
import { createWebhookClient } from './delivery/webhook-client.ts';
import { createDeliveryWorker } from './delivery/worker.ts';
import { createIngestRunner, sweepSpool } from './ingest/ingest-runner.ts';
import { createSecretBox, loadSecretKey } from './secret-box.ts';
import { createMetrics } from './metrics.ts';
import { releaseAllLeases } from './store/chunks-queries.ts';
import { openStore, type Store } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { addApiKey, countApiKeys, ensureDefaultProject } from './store/projects-queries.ts';

export interface Service {
  config: Config;
  store: Store;
  http: FastifyInstance;
  /** The address the API listens on, once started. */
  url?: string;
  start(): Promise<string>;
  stop(): Promise<void>;
}

export async function createService(config: Config, log: Logger = pino({ level: config.logLevel })): Promise<Service> {
  const store = await openStore(config);
  await migrate(store);
  const projectId = await ensureDefaultProject(store.db);
  if (config.apiKey) {
    await addApiKey(store.db, projectId, config.apiKey);
  } else if ((await countApiKeys(store.db, projectId)) === 0) {
    const key = `sk_${randomBytes(24).toString('base64url')}`;
    await addApiKey(store.db, projectId, key);
    // Printed once, never logged: only its hash is stored.
    process.stdout.write(`\nsheethook: the API key of the default project is\n\n    ${key}\n\n` +
      'Keep it now: it is not shown again. Set SHEETHOOK_API_KEY to choose your own.\n\n');
  }
  // The embedded store belongs to one process: leases left in it are from a process that is gone.
  if (store.kind === 'pglite') await releaseAllLeases(store.db);
  await sweepSpool(store.db, config.dataDir);

  const secrets = createSecretBox(loadSecretKey(config));
  const guard = createAddressGuard(config.destinationAllowlist);
  const client = createWebhookClient(guard);
  const metrics = createMetrics(store.db);
  const delivery = createDeliveryWorker({
    store, client, secrets, log, metrics, concurrency: config.deliveryConcurrency, pollIntervalMs: config.pollIntervalMs,
  });
  const ingest = createIngestRunner({
    db: store.db, log, dataDir: config.dataDir, pollIntervalMs: config.pollIntervalMs, limits: config.limits, metrics,
    onIngested: () => delivery.wake(),
  });
  const http = await buildHttp({ config, db: store.db, log, secrets, guard, client, ingest, delivery, metrics });

  const service: Service = {
    config,
    store,
    http,
    async start() {
      service.url = await http.listen({ port: config.port, host: config.host });
      ingest.start();
      delivery.start();
      return service.url;
    },
    async stop() {
      await http.close();
      await ingest.stop();
      await delivery.stop();
      await client.close();
      await store.close();
    },
  };
  return service;
}

// Puts the service together from its config: store, then the HTTP API and/or the ingest and delivery workers, by role.
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { apiKeyPrefix, generateApiKey } from './api-key.ts';
import { ConfigError, type Config } from './config.ts';
import { buildHttp } from './api/http.ts';
import { createAddressGuard } from './delivery/address-guard.ts';
import { createWebhookClient } from './delivery/webhook-client.ts';
import { createDeliveryWorker } from './delivery/worker.ts';
import { createIngestRunner } from './ingest/ingest-runner.ts';
import { createReceivedFiles } from './received-files.ts';
import { createSecretBox, keyFingerprint, loadSecretKey } from './secret-box.ts';
import { settleSetting } from './store/settings-queries.ts';
import { createMetrics } from './metrics.ts';
import { releaseAllLeases } from './store/chunks-queries.ts';
import { openStore, type Store } from './store/db.ts';
import { migrate } from './store/migrate.ts';
import { addApiKey, countApiKeys, ensureDefaultProject } from './store/projects-queries.ts';
import { announceWork, listenForWork, type WorkKind, type WorkListener } from './store/work-channel.ts';

export interface Service {
  config: Config;
  store: Store;
  http: FastifyInstance;
  /** The address the API listens on, once started. */
  url?: string;
  start(): Promise<string>;
  stop(): Promise<void>;
}

/** How often a process on PostgreSQL removes its local copies of received files nobody waits for any more. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

export async function createService(config: Config, log: Logger = pino({ level: config.logLevel })): Promise<Service> {
  const store = await openStore(config, log);
  await migrate(store);
  const projectId = await ensureDefaultProject(store.db);
  if (config.apiKey) {
    // Added to the keys there are, never replacing one: a key generated before stays valid until it is revoked. No
    // prefix is kept of a key the operator chose, which may be short: its name tells it apart.
    await addApiKey(store.db, projectId, config.apiKey, { name: 'SHEETHOOK_API_KEY' });
  } else if ((await countApiKeys(store.db, projectId)) === 0) {
    const key = generateApiKey();
    await addApiKey(store.db, projectId, key, { prefix: apiKeyPrefix(key), name: 'generated at first start' });
    // Printed once, never logged: only its hash is stored.
    process.stdout.write(`\nsheethook: the API key of the default project is\n\n    ${key}\n\n` +
      'Keep it now: it is not shown again. Set SHEETHOOK_API_KEY to choose your own.\n\n');
  }
  // The embedded store belongs to one process: leases left in it are from a process that is gone.
  if (store.kind === 'pglite') await releaseAllLeases(store.db);
  const files = createReceivedFiles(store.db, config.dataDir, store.kind === 'postgres');
  await files.sweep();
  // On PostgreSQL a process keeps local copies of files that other processes read: they go once their upload is read.
  const sweeper = store.kind === 'postgres'
    ? setInterval(() => void files.sweep().catch((err) => log.warn({ err }, 'could not sweep received files')), SWEEP_INTERVAL_MS).unref()
    : undefined;

  const secretKey = loadSecretKey(config);
  // Several processes on one database must seal and open secrets with one key: a process with another key would
  // fail every delivery it touched, so it does not start.
  if ((await settleSetting(store.db, 'secret_key_fingerprint', keyFingerprint(secretKey))) !== keyFingerprint(secretKey)) {
    await store.close();
    throw new ConfigError('the secret key differs from the one this database\'s secrets are sealed with: set SHEETHOOK_SECRET_KEY ' +
      'to the same value in every process (or give this process the secret.key file of the first one)');
  }
  const secrets = createSecretBox(secretKey);
  const guard = createAddressGuard(config.destinationAllowlist);
  const client = createWebhookClient(guard);
  const metrics = createMetrics(store.db);
  const runsWorkers = config.role !== 'api';
  const delivery = runsWorkers ? createDeliveryWorker({
    store, client, secrets, log, metrics, concurrency: config.deliveryConcurrency, pollIntervalMs: config.pollIntervalMs,
    leaseMarginMs: config.leaseMarginMs,
  }) : undefined;
  const ingest = runsWorkers ? createIngestRunner({
    store, log, files, pollIntervalMs: config.pollIntervalMs, limits: config.limits, metrics,
    leaseMs: 2 * config.leaseMarginMs, uploadTtlMs: config.uploadTtlMs, concurrency: config.ingestConcurrency,
    onIngested: () => delivery?.wake(),
  }) : undefined;
  const workers: Record<WorkKind, { wake(): void } | undefined> = { ingest, delivery };

  // Work the API queues wakes this process's workers at once; on PostgreSQL it also wakes the other processes'.
  const queued = (kind: WorkKind) => ({
    wake() {
      workers[kind]?.wake();
      if (store.kind !== 'postgres') return;
      announceWork(store.db, kind).catch((err) => log.warn({ err, kind }, 'could not announce new work; workers find it at their next poll'));
    },
  });
  const http = await buildHttp(
    { config, db: store.db, log, secrets, guard, client, metrics, files, ingest: queued('ingest'), delivery: queued('delivery') },
    { serveApi: config.role !== 'worker' },
  );
  let listener: WorkListener | undefined;

  const service: Service = {
    config,
    store,
    http,
    async start() {
      // Listening before /health answers: work queued by another process from then on wakes this one.
      if (runsWorkers && config.databaseUrl) {
        listener = await listenForWork(config.databaseUrl, log, (kind) => workers[kind]?.wake());
      }
      try {
        service.url = await http.listen({ port: config.port, host: config.host });
      } catch (err) {
        await listener?.stop();
        throw err;
      }
      ingest?.start();
      delivery?.start();
      return service.url;
    },
    async stop() {
      clearInterval(sweeper);
      // Idle connections are closed at once; a request under way has stopGraceMs to end. Then its connection is
      // closed: a client that stopped sending halfway through an upload would otherwise hold the stop for ever (what
      // it sent is lost, and no upload was made of it).
      const cut = setTimeout(() => {
        log.warn({ afterMs: config.stopGraceMs }, 'stopping: closing the connections of requests still under way');
        http.server.closeAllConnections();
      }, config.stopGraceMs);
      try {
        await http.close();
      } finally {
        clearTimeout(cut);
      }
      await listener?.stop();
      await ingest?.stop();
      await delivery?.stop();
      await client.close();
      await store.close();
    },
  };
  return service;
}

// On PostgreSQL an api process and a worker process share the work: what the API queues wakes the worker through
// NOTIFY at once, also after the worker lost its listening connection. The worker polls only once a minute here, so
// anything that finishes within the tests' waits was woken.
import pg from 'pg';
import { afterEach, beforeAll, afterAll, expect, it } from 'vitest';
import { LISTENER_APPLICATION_NAME } from '../src/store/work-channel.ts';
import { makeServiceHome, TEST_STORE, type ServiceHome } from './support/home.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor, waitForFinal } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

const SLOW_POLL = { SHEETHOOK_POLL_INTERVAL_MS: '60000' };

let receiver: Receiver;
let home: ServiceHome | undefined;
let processes: ServiceProcess[] = [];

beforeAll(async () => { receiver = await startReceiver(); });
afterAll(async () => { await receiver?.close(); });
afterEach(async () => {
  for (const p of processes) await p.kill();
  processes = [];
  await home?.remove();
});

/** An api process and a worker process in one home: the worker can read the files the API receives. */
async function startApiAndWorker() {
  home = await makeServiceHome();
  const worker = await startProcess(home, await freePort(), { SHEETHOOK_ROLE: 'worker', ...SLOW_POLL });
  processes.push(worker);
  const api = await startProcess(home, await freePort(), { SHEETHOOK_ROLE: 'api', ...SLOW_POLL });
  processes.push(api);
  expect((await api.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
  expect((await api.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10 } })).status).toBe(200);
  return { api, worker };
}

async function listenerPids(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [LISTENER_APPLICATION_NAME]);
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

it.runIf(TEST_STORE === 'postgres')('the worker reads and delivers an import the api process took, and redelivers on request (PostgreSQL only: roles need a server)', { timeout: 180_000 }, async () => {
  const { api, worker } = await startApiAndWorker();
  receiver.received.length = 0;
  const res = await api.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(25) }));
  expect(res.status).toBe(202);
  expect(await waitForFinal(api, res.body.uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 3 });

  receiver.received.length = 0;
  const again = await api.api('POST', `/v1/uploads/${res.body.uploadId}/redeliver`, { pages: [2] });
  expect(again.status).toBe(202);
  await waitFor(() => receiver.received.length === 1, 'page 2 to arrive again');
  expect(receiver.received[0].body.page).toBe(2);
  expect(await waitForFinal(api, res.body.uploadId)).toMatchObject({ status: 'completed' });

  // The worker did the work; the api process only took the requests.
  expect(worker.output()).toContain('upload read');
  expect(worker.output()).toContain('upload ended');
  expect(api.output()).not.toContain('upload read');
  expect(api.output()).not.toContain('upload ended');
});

it.runIf(TEST_STORE === 'postgres')('the worker listens again after losing its connection (PostgreSQL only: roles need a server)', { timeout: 180_000 }, async () => {
  const { api } = await startApiAndWorker();
  const databaseUrl = home!.databaseUrl!;
  const [first] = await listenerPids(databaseUrl);
  expect(first).toBeDefined();
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query('SELECT pg_terminate_backend($1)', [first]);
  await admin.end();
  const [second] = await waitFor(async () => {
    const pids = await listenerPids(databaseUrl);
    return pids.length === 1 && pids[0] !== first ? pids : undefined;
  }, 'a new listening connection');
  expect(second).not.toBe(first);

  const res = await api.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(5) }));
  expect(res.status).toBe(202);
  expect(await waitForFinal(api, res.body.uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 1 });
});

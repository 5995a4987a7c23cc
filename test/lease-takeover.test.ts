// On PostgreSQL no process releases another's leases: a worker that dies holding a page keeps it until its lease
// runs out (the request timeout plus SHEETHOOK_LEASE_MARGIN_MS), then another worker sends it, with its webhook-id.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { makeServiceHome, TEST_STORE, type ServiceHome } from './support/home.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor, waitForFinal } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

const SHORT_LEASES = { SHEETHOOK_LEASE_MARGIN_MS: '1000' };

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

it.runIf(TEST_STORE === 'postgres')('another worker sends the page a killed worker held, once its lease runs out (PostgreSQL only: the embedded store is one process)', { timeout: 180_000 }, async () => {
  home = await makeServiceHome();
  const start = async (role: string) => {
    const p = await startProcess(home!, await freePort(), { SHEETHOOK_ROLE: role, ...SHORT_LEASES });
    processes.push(p);
    return p;
  };
  const api = await start('api');
  const first = await start('worker');
  expect((await api.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
  const webhook = { callbackUrl: receiver.url, chunkSize: 10, timeoutMs: 3000 };
  expect((await api.api('PUT', '/v1/templates/people/destination', { webhook })).status).toBe(200);

  // The first worker's first request never gets an answer: it dies waiting for it.
  receiver.received.length = 0;
  receiver.answer = (r) => (r.n === 1 ? { hang: true } : { status: 200 });
  const res = await api.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(30) }));
  expect(res.status).toBe(202);
  await waitFor(() => receiver.received.length === 1, 'page 1 to reach the receiver');
  await first.kill('SIGKILL');

  // A new worker starting does not clear the dead one's lease; it takes the page over when the lease has run out.
  await start('worker');
  expect(await waitForFinal(api, res.body.uploadId, 30_000)).toMatchObject({ status: 'completed', pagesDelivered: 3 });
  const pages = receiver.received.map((r) => r.body.page);
  expect(pages).toEqual([1, 1, 2, 3]);
  expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
  // The dead worker never recorded its attempt; the one that took over did.
  const log = (await api.api('GET', `/v1/uploads/${res.body.uploadId}/deliveries`)).body.pages;
  expect(log[0].attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['delivered']);
});

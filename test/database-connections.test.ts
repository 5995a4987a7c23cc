// A PostgreSQL restart or failover closes every connection: the service reconnects and carries on, it does not crash.
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { makeServiceHome, TEST_STORE, type ServiceHome } from './support/home.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { waitFor, waitForFinal } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let home: ServiceHome | undefined;
let proc: ServiceProcess | undefined;
let receiver: Receiver | undefined;

afterAll(async () => {
  await proc?.kill();
  await receiver?.close();
  await home?.remove();
});

/** Closes every connection to the database from the server's side, as a restart does; answers how many it closed. */
async function closeEveryConnection(databaseUrl: string): Promise<number> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ closed: boolean }>(`
      SELECT pg_terminate_backend(pid) AS closed FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    return rows.filter((r) => r.closed).length;
  } finally {
    await admin.end();
  }
}

it.runIf(TEST_STORE === 'postgres')('keeps serving and delivering after the server closes its connections (PostgreSQL only: the embedded store has none)', async () => {
  home = await makeServiceHome();
  receiver = await startReceiver();
  proc = await startProcess(home, await freePort());
  expect((await proc.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
  expect((await proc.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10 } })).status).toBe(200);

  // Pooled connections sit idle between requests, and the work listener's is always open.
  expect(await closeEveryConnection(home.databaseUrl!)).toBeGreaterThanOrEqual(2);
  // A request that had a connection in hand as it closed may fail; the ones after it are served.
  await waitFor(async () => (await proc!.api('GET', '/v1/templates')).status === 200, 'the API to answer again');
  const res = await proc.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(25) }));
  expect(res.status).toBe(202);
  expect(await waitForFinal(proc, res.body.uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 3 });
  expect(proc.child.exitCode).toBeNull();
});

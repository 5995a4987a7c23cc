// The auth header value reaches the receiver and nothing else: no API response, no log line, no plain text on disk
// or, on PostgreSQL, in the database.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { makeServiceHome, TEST_STORE, type ServiceHome } from './support/home.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { waitForFinal } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let receiver: Receiver | undefined;
let proc: ServiceProcess | undefined;
let home: ServiceHome | undefined;

afterAll(async () => {
  await proc?.kill();
  await receiver?.close();
  await home?.remove();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

it('keeps the auth header value out of responses, logs and the data directory', async () => {
  const secret = 'Bearer-very-secret-7f3a9c1e';
  receiver = await startReceiver();
  home = await makeServiceHome('sheethook-secret-');
  proc = await startProcess(home, await freePort(), { LOG_LEVEL: 'debug' });
  await proc.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  await proc.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, authHeaderName: 'Authorization' } });
  const res = await proc.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(3), authHeaderValue: secret }));
  expect(res.status).toBe(202);
  const final = await waitForFinal(proc, res.body.uploadId);
  expect(final.status).toBe('completed');
  expect(receiver.received[0].headers.authorization).toBe(secret);

  const responses = [
    JSON.stringify(res.body), JSON.stringify(final),
    JSON.stringify((await proc.api('GET', `/v1/uploads/${res.body.uploadId}/deliveries`)).body),
    JSON.stringify((await proc.api('GET', '/v1/uploads')).body),
    JSON.stringify((await proc.api('GET', '/v1/templates/people/destination')).body),
  ];
  for (const body of responses) expect(body).not.toContain(secret);

  await proc.kill('SIGTERM');
  const logs = proc.output();
  proc = undefined;
  expect(logs).toContain('delivery attempt');
  expect(logs).not.toContain(secret);
  const needle = Buffer.from(secret);
  const files = filesUnder(home.dataDir);
  // The embedded store's database is files in the data directory; on PostgreSQL only the key file is there.
  if (TEST_STORE === 'pglite') expect(files.length).toBeGreaterThan(10);
  else expect(files.map((f) => f.slice(home!.dataDir.length))).toContain('/secret.key');
  for (const file of files) expect(readFileSync(file).includes(needle), file).toBe(false);
  if (home.databaseUrl) {
    const rows = await everyRowAsText(home.databaseUrl);
    // The sealed value is there (so the search looks where it would be), the plain one nowhere.
    expect(rows.some((row) => row.startsWith('uploads:') && row.includes('v1:'))).toBe(true);
    expect(rows.filter((row) => row.includes(secret))).toEqual([]);
  }
});

/** Every row of every table in the database, as "table:" and the row's text. */
async function everyRowAsText(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = (await client.query<{ name: string }>(
      `SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public'`)).rows;
    expect(tables.length).toBeGreaterThan(5);
    const all: string[] = [];
    for (const { name } of tables) {
      const found = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${name} t`);
      all.push(...found.rows.map((r) => `${name}:${r.row}`));
    }
    return all;
  } finally {
    await client.end();
  }
}

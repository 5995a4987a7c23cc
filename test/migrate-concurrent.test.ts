// Migrations are applied at start under an advisory lock: processes starting at once on a fresh database wait for
// each other and all come up on one schema, each migration applied once; a later start applies nothing.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { listMigrations, migrate, MIGRATION_LOCK_KEY } from '../src/store/migrate.ts';
import { makeServiceHome, TEST_STORE, type ServiceHome } from './support/home.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { startService, waitFor, type TestService } from './support/service.ts';

let home: ServiceHome | undefined;
let processes: ServiceProcess[] = [];
let service: TestService | undefined;

afterEach(async () => {
  await service?.stop();
  service = undefined;
  for (const p of processes) await p.kill();
  processes = [];
  await home?.remove();
  home = undefined;
});

async function tablesAndMigrations(client: pg.Client) {
  const tables = (await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).rows.map((r) => r.name);
  const applied = (await client.query<{ name: string }>('SELECT name FROM sheethook_migrations ORDER BY name')).rows.map((r) => r.name);
  return { tables, applied };
}

it.runIf(TEST_STORE === 'postgres')('four processes starting at once on a fresh database all come up on one schema (PostgreSQL only: the embedded store is one process)', { timeout: 180_000 }, async () => {
  home = await makeServiceHome();
  const lock = new pg.Client({ connectionString: home.databaseUrl });
  await lock.connect();
  try {
    // Holding the migrations' lock makes every process reach it before any of them migrates.
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const env = { SHEETHOOK_SECRET_KEY: randomBytes(32).toString('base64') };
    const roles = ['api', 'worker', 'all', 'all'];
    const starting = Promise.allSettled(roles.map(async (role) => {
      const p = await startProcess(home!, await freePort(), { ...env, SHEETHOOK_ROLE: role });
      processes.push(p);
      return p;
    }));
    await waitFor(async () => (await lock.query<{ n: number }>(`
      SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
      WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`)).rows[0].n === roles.length,
    'every process to wait for the migrations lock', 60_000);
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);

    const results = await starting;
    expect(results.map((r) => r.status)).toEqual(roles.map(() => 'fulfilled'));
    const { tables, applied } = await tablesAndMigrations(lock);
    expect(applied).toEqual(listMigrations().map((m) => m.name).sort());
    expect(tables).toEqual(expect.arrayContaining(['chunks', 'delivery_attempts', 'record_blocks', 'templates', 'upload_file_parts', 'service_settings', 'uploads']));
    const projects = await lock.query<{ n: number }>('SELECT count(*)::int AS n FROM projects WHERE is_default');
    expect(projects.rows[0].n).toBe(1);

    // One database behind them all: what the api process writes, the others read.
    const [api, , allA, allB] = results.map((r) => (r as PromiseFulfilledResult<ServiceProcess>).value);
    expect((await api.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: [{ key: 'name', name: 'Name', type: 'string' }] })).status).toBe(201);
    for (const p of [allA, allB]) expect((await p.api('GET', '/v1/templates/people')).status).toBe(200);
  } finally {
    await lock.end();
  }
});

it('a later start finds every migration applied and applies none', async () => {
  service = await startService();
  expect(await migrate(service.service.store)).toEqual([]);
  const applied = await service.service.store.rawTransaction((tx) => tx.query<{ name: string }>('SELECT name FROM sheethook_migrations ORDER BY name'));
  expect(applied.map((r) => r.name)).toEqual(listMigrations().map((m) => m.name).sort());
});

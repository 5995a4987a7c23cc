// Where a test service keeps its state: a fresh data directory and, when SHEETHOOK_TEST_DATABASE_URL is set, a fresh
// PostgreSQL database of its own, so test files running in parallel never see each other's data.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { databaseUrl, dropDatabases, onServer, TEST_DATABASE_PREFIX, TEST_DATABASE_URL } from './postgres-admin.ts';

/** The store every test service runs on. */
export const TEST_STORE: 'pglite' | 'postgres' = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface ServiceHome {
  dataDir: string;
  /** The database's URL on PostgreSQL; undefined on the embedded store, which lives in the data directory. */
  databaseUrl?: string;
  /** What a service started in this home needs in its environment: DATABASE_URL on PostgreSQL. */
  env: Record<string, string>;
  /** Removes the data directory and drops the database; safe to call twice. */
  remove(): Promise<void>;
}

export async function makeServiceHome(prefix = 'sheethook-test-'): Promise<ServiceHome> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const database = TEST_DATABASE_URL ? await createDatabase() : undefined;
  let removed = false;
  return {
    dataDir,
    databaseUrl: database && databaseUrl(database),
    env: database ? { DATABASE_URL: databaseUrl(database) } : {},
    async remove() {
      if (removed) return;
      removed = true;
      rmSync(dataDir, { recursive: true, force: true });
      if (database) await dropDatabases([database]);
    },
  };
}

async function createDatabase(): Promise<string> {
  // The global setup names the run; a file run on its own without it still gets a unique name.
  const run = inject('databaseRun') ?? randomBytes(4).toString('hex');
  const name = `${TEST_DATABASE_PREFIX}${run}_${randomBytes(6).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE "${name}"`));
  return name;
}

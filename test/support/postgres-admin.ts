// Creates and drops the test databases on the server SHEETHOOK_TEST_DATABASE_URL names; no vitest imports, so the
// global setup can use it too.
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.SHEETHOOK_TEST_DATABASE_URL || undefined;
/** Every test database's name starts with this and its run's id, so a run can drop whatever it left behind. */
export const TEST_DATABASE_PREFIX = 'sheethook_test_';

/**
 * Runs statements on the server outside any test database. CREATE and DROP DATABASE need a connection to some other
 * database: the one the URL names, or `postgres` when that one does not exist.
 */
export async function onServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  if (!TEST_DATABASE_URL) throw new Error('SHEETHOOK_TEST_DATABASE_URL is not set');
  let client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  try {
    await client.connect();
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err;
    client = new pg.Client({ connectionString: databaseUrl('postgres') });
    await client.connect();
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The test server's URL with another database in it. */
export function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops databases even while a killed service's connections linger on them. */
export async function dropDatabases(names: string[]): Promise<void> {
  if (names.length === 0) return;
  await onServer(async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
}

export async function databasesOfRun(run: string): Promise<string[]> {
  return onServer(async (client) => (await client.query<{ datname: string }>(
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [`${TEST_DATABASE_PREFIX}${run}_`])).rows.map((r) => r.datname));
}

// The embedded database shares the service's memory: it runs with small shared buffers, and creates WAL files
// without filling them with zeros first (each fill passed 16 MB through buffers the JavaScript engine frees late).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openStore, rows, type Store } from '../src/store/db.ts';
import { makeServiceHome, type ServiceHome } from './support/home.ts';

let home: ServiceHome;
let store: Store;

beforeAll(async () => {
  home = await makeServiceHome('sheethook-embedded-settings-');
  // The embedded store whatever the run: PostgreSQL servers are the operator's to configure.
  store = await openStore({ dataDir: home.dataDir });
});

afterAll(async () => {
  await store?.close();
  await home?.remove();
});

it('runs the embedded database with 4 MB of shared buffers and WAL files not zero-filled', async () => {
  expect(store.kind).toBe('pglite');
  const setting = async (name: string) =>
    (await rows<{ setting: string }>(store.db, sql`SELECT current_setting(${name}) AS setting`))[0].setting;
  expect(await setting('shared_buffers')).toBe('4MB');
  expect(await setting('wal_init_zero')).toBe('off');
});

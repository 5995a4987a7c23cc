// Opens the store: embedded PGlite under the data directory, or a PostgreSQL server when DATABASE_URL is set.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Logger } from 'pino';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import * as schema from './schema.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Raw access for what drizzle does not do: multi-statement scripts such as migrations. */
export interface RawTx {
  exec(script: string): Promise<void>;
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Store {
  kind: 'pglite' | 'postgres';
  db: Db;
  rawTransaction<T>(fn: (tx: RawTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Connections each process opens to a PostgreSQL server, at most (a worker process also has one that listens). */
export const POOL_SIZE = 10;

export async function openStore(options: { databaseUrl?: string; dataDir: string }, log?: Logger): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, log) : openPglite(options.dataDir);
}

/**
 * The embedded database shares the service's memory: Postgres's default 128 MB of shared buffers would be most of
 * the service's footprint, and block-sized writes gain nothing from them.
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB'];

async function openPglite(dataDir: string): Promise<Store> {
  const dir = join(dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] });
  return {
    kind: 'pglite',
    db: drizzlePglite({ client, schema }) as unknown as Db,
    rawTransaction: (fn) => client.transaction((tx) => fn({
      exec: async (script) => { await tx.exec(script); },
      query: async (text, params) => (await tx.query(text, params)).rows as never,
    })),
    close: () => client.close(),
  };
}

async function openPostgres(connectionString: string, log?: Logger): Promise<Store> {
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE });
  // An idle connection the server closed (restart, failover, an administrator): the pool drops it and opens another
  // when needed. Unheard, this error would end the process.
  pool.on('error', (err) => log?.warn({ err }, 'the database closed an idle connection'));
  await pool.query('select 1');
  return {
    kind: 'postgres',
    db: drizzlePg({ client: pool, schema }) as unknown as Db,
    rawTransaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          exec: async (script) => { await client.query(script); },
          query: async (text, params) => (await client.query(text, params)).rows,
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Rows of a raw SQL query, the same shape on both drivers. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

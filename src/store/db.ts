// Opens the store: embedded PGlite under the data directory, or a PostgreSQL server when DATABASE_URL is set.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import type { Logger } from 'pino';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import { copyTemplateInto } from './embedded-template.ts';
import * as schema from './schema.ts';
import { bindExecuteSync, dataRows, resultOf, type RawRow, type WireValue } from './wire-messages.ts';

const fieldText = new TextDecoder();

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** Raw access for what drizzle does not do: multi-statement scripts such as migrations. */
export interface RawTx {
  exec(script: string): Promise<void>;
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}

/**
 * A statement of a hot path, prepared once per connection and then only executed: the delivery worker runs a few
 * statements for every chunk, and planning them anew each time would cost more than running them. `text` takes
 * `$1`..`$n` of the `types` given.
 */
export interface Prepared {
  name: string;
  types: readonly string[];
  text: string;
}

export function prepared(name: string, types: readonly string[], text: string): Prepared {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`statement name "${name}": lower-case letters, digits and _ only`);
  return { name, types, text };
}

/** A value for a prepared statement: strings arrive as text and are cast to the parameter's type. */
export type PreparedValue = string | number | boolean | Date | null;

export interface Store {
  kind: 'pglite' | 'postgres';
  db: Db;
  rawTransaction<T>(fn: (tx: RawTx) => Promise<T>): Promise<T>;
  /** Runs a prepared statement, preparing it first on a connection that has not seen it yet. */
  run<T>(statement: Prepared, values: PreparedValue[]): Promise<T[]>;
  /**
   * Runs a prepared statement that returns no rows, with values that may be text already encoded as UTF-8: a
   * Uint8Array for a `text` parameter reaches the database as the bytes it is, never a string in this thread.
   */
  write(statement: Prepared, values: WireValue[]): Promise<void>;
  /**
   * Runs a prepared statement and gives its rows to `take` with each field as the UTF-8 bytes of its text, not
   * decoded: for large text that is passed on as bytes (a chunk's records go into a request body as they are). The
   * fields may be views of a buffer the store uses again once `take` returns: what is kept must be copied there.
   */
  readRaw<T>(statement: Prepared, values: WireValue[], take: (rows: RawRow[]) => T): Promise<T>;
  close(): Promise<void>;
}

/** Connections each process opens to a PostgreSQL server, at most (a worker process also has one that listens). */
export const POOL_SIZE = 10;

export async function openStore(options: { databaseUrl?: string; dataDir: string }, log?: Logger): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, log) : openPglite(options.dataDir, log);
}

/**
 * The embedded database shares the service's memory, and its shared buffers are resident in full from the start:
 * Postgres's default 128 MB would be most of the service's footprint, and block-sized writes gain nothing from
 * them (bench/README.md has the measurements). A new WAL file is not filled with zeros first: PGlite passes every
 * write through a JavaScript buffer of its own, so each fill left its file's size in buffers waiting for a full
 * collection, and an embedded database, which runs without fsync, gains nothing from having the space allocated
 * (docs/engine.md).
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=4MB', '-c', 'wal_init_zero=off'];

async function openPglite(dataDir: string, log?: Logger): Promise<Store> {
  const dir = join(dataDir, 'pgdata');
  mkdirSync(dataDir, { recursive: true });
  if (copyTemplateInto(dir)) log?.info({ dir }, 'new embedded database, copied from the template');
  else mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] });
  const turns = new SessionTurns();
  // A hot-path statement is prepared once in SQL (PREPARE), then bound to its values and run by name through the
  // protocol: one exchange, no SQL to parse, and a response this module reads itself.
  const ready = new Map<string, Promise<unknown>>();
  const prepare = (statement: Prepared) => {
    let preparing = ready.get(statement.name);
    if (!preparing) {
      const types = statement.types.length ? ` (${statement.types.join(', ')})` : '';
      preparing = client.exec(`PREPARE ${statement.name}${types} AS ${statement.text}`);
      ready.set(statement.name, preparing);
      preparing.catch(() => ready.delete(statement.name));
    }
    return preparing;
  };
  /**
   * One exchange, after any transaction under way (between another caller's statements it would be part of that
   * caller's transaction), and alone on the session while it runs. The statement is a transaction of its own, ended
   * by the Sync. The message is written, and the response gathered as it streams out of the database's memory,
   * into buffers this store keeps and reuses; PGlite does not parse the response, which would decode every field
   * into a string. `take` reads the response before the next exchange may reuse its buffer.
   */
  const sent = new ReusedBuffer();
  const received = new ReusedBuffer();
  const exchange = async <T>(statement: Prepared, values: readonly WireValue[], describe: boolean, take: (response: Uint8Array) => T) => {
    await prepare(statement);
    return afterTurn(turns.run(() => client.runExclusive(async () => {
      // Read by the database before execProtocolRawStream first waits.
      const message = bindExecuteSync(statement.name, values, describe, (n) => sent.room(n));
      let length = 0;
      let response = received.room(0);
      await client.execProtocolRawStream(message, {
        onRawData: (data) => {
          if (length + data.length > response.length) response = received.grow(response, length, length + data.length);
          response.set(data, length);
          length += data.length;
        },
      });
      return take(response.subarray(0, length));
    })));
  };
  return {
    kind: 'pglite',
    db: drizzlePglite({ client: givingTurns(client, turns), schema }) as unknown as Db,
    async run<T>(statement: Prepared, values: PreparedValue[]) {
      // Decoded inside the exchange: the fields are views of a buffer the next exchange fills again.
      return exchange(statement, values, true, (response) => {
        const { columns, rows } = resultOf(response);
        // Typed as PGlite types its own results.
        return rows.map((row) => {
          const record: Record<string, unknown> = {};
          for (let i = 0; i < columns.length; i++) {
            const field = row[i];
            record[columns[i].name] = field === null ? null : types.parseType(fieldText.decode(field), columns[i].typeOid);
          }
          return record as T;
        });
      });
    },
    async write(statement, values) {
      await exchange(statement, values, false, resultOf);
    },
    async readRaw(statement, values, take) {
      return exchange(statement, values, false, (response) => take(dataRows(response)));
    },
    rawTransaction: (fn) => turns.run(() => client.transaction((tx) => fn({
      exec: async (script) => { await afterTurn(tx.exec(script)); },
      query: async (text, params) => (await afterTurn(tx.query(text, params))).rows as never,
    }))),
    close: () => client.close(),
  };
}

/**
 * Settles as `statement` does, once the event loop has had a turn. The embedded database runs in this thread, and a
 * statement's promise settles without waiting for any I/O: a run of statements (a transaction, a loop of writes)
 * would otherwise keep the service from answering requests, its health check included, until the whole run is over.
 */
async function afterTurn<T>(statement: Promise<T>): Promise<T> {
  try {
    return await statement;
  } finally {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * The embedded database's one session, taken in turn by each transaction and each protocol exchange, in the order
 * asked. PGlite keeps its own queries out of a transaction under way, but a protocol exchange run through its public
 * `runExclusive` waits only for the statement under way: between two statements of a transaction it would join that
 * transaction. Plain queries need no turn here; PGlite orders them against transactions itself.
 */
class SessionTurns {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.last.then(work);
    this.last = result.catch(() => {});
    return result;
  }
}

/**
 * The embedded database as drizzle uses it (its query and transaction), each statement followed by a turn of the
 * event loop, and each transaction in its turn of the session.
 */
function givingTurns(client: PGlite, session: SessionTurns): PGlite {
  const turns = (tx: Pick<Transaction, 'query' | 'exec'>) => ({
    query: (...args: Parameters<Transaction['query']>) => afterTurn(tx.query(...args)),
    exec: (...args: Parameters<Transaction['exec']>) => afterTurn(tx.exec(...args)),
  });
  return {
    ...turns(client),
    transaction: <T>(fn: (tx: Transaction) => Promise<T>) => session.run(() => client.transaction((tx) => fn({
      ...turns(tx),
      rollback: () => tx.rollback(),
      get closed() { return tx.closed; },
    } as Transaction))),
  } as unknown as PGlite;
}

async function openPostgres(connectionString: string, log?: Logger): Promise<Store> {
  const pool = new pg.Pool({ connectionString, max: POOL_SIZE });
  // An idle connection the server closed (restart, failover, an administrator): the pool drops it and opens another
  // when needed. Unheard, this error would end the process.
  pool.on('error', (err) => log?.warn({ err }, 'the database closed an idle connection'));
  await pool.query('select 1');
  const fieldsAsBytes = async (statement: Prepared, values: WireValue[]): Promise<RawRow[]> => {
    const result = await pool.query({
      name: statement.name,
      text: statement.text,
      values: values.map(pgValue),
      rowMode: 'array',
      // Every field as the text the server sent, encoded back: node-postgres has decoded it already.
      types: { getTypeParser: () => (text: string) => text },
    });
    return (result.rows as (string | null)[][]).map((row) => row.map((v) => (v === null ? null : Buffer.from(v))));
  };
  return {
    kind: 'postgres',
    db: drizzlePg({ client: pool, schema }) as unknown as Db,
    // node-postgres prepares a named statement on each connection the first time that connection runs it.
    run: async <T>(statement: Prepared, values: PreparedValue[]) => (await pool.query({
      name: statement.name,
      text: statement.text,
      values: values.map(pgValue),
    })).rows as T[],
    async write(statement, values) {
      await pool.query({
        name: statement.name,
        text: statement.text,
        values: values.map(pgValue),
      });
    },
    // Fields of their own, which `take` may keep or not.
    readRaw: async (statement, values, take) => take(await fieldsAsBytes(statement, values)),
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

/**
 * A buffer used again for each exchange with the embedded database, grown as needed. One larger than REUSED_MAX
 * (a response of many blocks' records, say) is used once and let go, not kept for the life of the process.
 */
class ReusedBuffer {
  static readonly REUSED_MAX = 4 << 20;
  private kept = new Uint8Array(64 << 10);

  /** A buffer of at least `length` bytes. */
  room(length: number): Uint8Array {
    if (length <= this.kept.length) return this.kept;
    const bigger = new Uint8Array(Math.max(length, this.kept.length * 2));
    if (bigger.length <= ReusedBuffer.REUSED_MAX) this.kept = bigger;
    return bigger;
  }

  /** A buffer of at least `length` bytes holding the first `used` bytes of `current`. */
  grow(current: Uint8Array, used: number, length: number): Uint8Array {
    const bigger = this.room(Math.max(length, current.length * 2));
    bigger.set(current.subarray(0, used));
    return bigger;
  }
}

/** node-postgres sends a Buffer in binary format, which for text is its UTF-8 bytes. */
const pgValue = (v: WireValue) => (v instanceof Date ? v.toISOString()
  : v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

/** Rows of a raw SQL query, the same shape on both drivers. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

// Statements whose text travels as bytes: written from a Uint8Array and read back as the bytes of each field, on the
// store under test. A failing one rejects with the database's message and leaves the store usable.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openStore, prepared, type Store } from '../src/store/db.ts';
import { makeServiceHome, type ServiceHome } from './support/home.ts';

let home: ServiceHome;
let store: Store;

/** Fields of their own: what readRaw gives may be views of a buffer used again. */
const copied = (rows: (Uint8Array | null)[][]) => rows.map((row) => row.map((field) => (field === null ? null : field.slice())));

const INSERT = prepared('test_raw_insert', ['int', 'text'], 'INSERT INTO raw_texts (id, body) VALUES ($1, $2)');
const SELECT = prepared('test_raw_select', ['int'], 'SELECT id, body, body IS NULL AS missing FROM raw_texts WHERE id >= $1 ORDER BY id');

beforeAll(async () => {
  home = await makeServiceHome('sheethook-raw-');
  store = await openStore({ dataDir: home.dataDir, databaseUrl: home.databaseUrl });
  await store.rawTransaction((tx) => tx.exec('CREATE TABLE raw_texts (id int PRIMARY KEY, body text)'));
});

afterAll(async () => {
  await store?.close();
  await home?.remove();
});

it('writes text given as UTF-8 bytes and reads each field back as its bytes', async () => {
  const text = '{"name":"Zoë","city":"東京","mood":"😀"}\n{"quote":"a \\"b\\", c"}';
  await store.write(INSERT, [1, new TextEncoder().encode(text)]);
  await store.write(INSERT, [2, null]);
  const rows = await store.readRaw(SELECT, [1], copied);
  expect(rows).toHaveLength(2);
  const decode = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));
  expect(rows.map((r) => r.map(decode))).toEqual([['1', text, 'f'], ['2', null, 't']]);
});

it('rejects a failing statement with the database message, and the next statement still runs', async () => {
  await expect(store.write(INSERT, [1, 'again'])).rejects.toThrow(/duplicate key/);
  await expect(store.write(INSERT, [1, 'again'])).rejects.toMatchObject({ code: '23505' });
  await expect(store.readRaw(SELECT, ['not a number'], copied)).rejects.toThrow(/invalid input syntax for type integer/);
  await store.write(INSERT, [3, 'after']);
  expect((await store.readRaw(SELECT, [3], copied)).map((r) => new TextDecoder().decode(r[1]!))).toEqual(['after']);
});

it('runs a statement asked for during a transaction after it, never inside it', async () => {
  let inside!: () => void;
  const insideTransaction = new Promise<void>((resolve) => { inside = resolve; });
  let leave!: () => void;
  const mayLeave = new Promise<void>((resolve) => { leave = resolve; });
  const rolledBack = store.db.transaction(async (tx) => {
    await tx.execute(sql`INSERT INTO raw_texts (id, body) VALUES (10, 'rolled back')`);
    inside();
    await mayLeave;
    tx.rollback();
  }).catch((err: Error) => err);
  await insideTransaction;
  // Asked while the transaction is open: on a shared session it would become part of it and be rolled back with it.
  const written = store.write(INSERT, [11, 'kept']);
  await new Promise((resolve) => setTimeout(resolve, 50));
  leave();
  expect(await rolledBack).toBeInstanceOf(Error);
  await written;
  const ids = (await store.readRaw(SELECT, [10], copied)).map((r) => new TextDecoder().decode(r[0]!));
  expect(ids).toEqual(['11']);
});

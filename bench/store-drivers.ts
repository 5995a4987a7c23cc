// The embedded database reached two ways over the same work: the store's own protocol exchanges (what the service
// runs), and node-postgres through PGlite's public node-postgres connection (one driver for both stores). Each writes
// blocks of record text as ingest does, then reads them back as delivery does, on a database of its own.
//
//   npm run bench:store-drivers -- [blocks] [block KB]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { openStore, prepared } from '../src/store/db.ts';
import { copyTemplateInto } from '../src/store/embedded-template.ts';

const blocks = Number(process.argv[2] ?? 1000);
const blockBytes = Number(process.argv[3] ?? 200) * 1024;
const line = '{"id":123456,"email":"someone.else@example.com","first":"Zoë","last":"Ångström","age":42,"notes":"a \\"quoted\\" note, with a comma"}\n';
const text = line.repeat(Math.ceil(blockBytes / line.length)).slice(0, blockBytes);
const bytes = new TextEncoder().encode(text);

const CREATE = 'CREATE TABLE blocks (block int PRIMARY KEY, lines text NOT NULL)';
const INSERT = prepared('bench_insert_block', ['int', 'text'], 'INSERT INTO blocks (block, lines) VALUES ($1, $2)');
const READ = prepared('bench_read_blocks', ['int', 'int'], 'SELECT lines FROM blocks WHERE block BETWEEN $1 AND $2 ORDER BY block');
const READ_RUN = 8;

interface Driver {
  write(block: number): Promise<void>;
  /** Bytes of text read back for blocks `from`..`to`. */
  read(from: number, to: number): Promise<number>;
  close(): Promise<void>;
}

async function storeDriver(dataDir: string): Promise<Driver> {
  const store = await openStore({ dataDir });
  await store.rawTransaction((tx) => tx.exec(CREATE));
  return {
    write: (block) => store.write(INSERT, [block, bytes]),
    read: (from, to) => store.readRaw(READ, [from, to], (rows) => rows.reduce((n, [lines]) => n + lines!.length, 0)),
    close: () => store.close(),
  };
}

async function nodePostgresDriver(dataDir: string): Promise<Driver> {
  const db = await PGlite.create(join(dataDir, 'pgdata'), { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=4MB'] });
  const pool = new pg.Pool({ ...createPgConfig(db), max: 1 });
  await pool.query(CREATE);
  return {
    write: async (block) => { await pool.query({ name: INSERT.name, text: INSERT.text, values: [block, text] }); },
    read: async (from, to) => {
      const result = await pool.query({ name: READ.name, text: READ.text, values: [from, to], rowMode: 'array' });
      return (result.rows as string[][]).reduce((n, [lines]) => n + Buffer.byteLength(lines), 0);
    },
    close: async () => { await pool.end(); await db.close(); },
  };
}

async function measure(name: string, open: (dataDir: string) => Promise<Driver>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sheethook-drivers-'));
  copyTemplateInto(join(dataDir, 'pgdata'));
  const driver = await open(dataDir);
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let b = 0; b < blocks; b++) await driver.write(b);
    const t1 = performance.now();
    const cpu1 = process.cpuUsage(cpu0);
    let read = 0;
    for (let b = 0; b < blocks; b += READ_RUN) read += await driver.read(b, b + READ_RUN - 1);
    const t2 = performance.now();
    const cpu2 = process.cpuUsage(cpu0);
    if (read !== blocks * bytes.length) throw new Error(`${name}: read ${read} bytes, wrote ${blocks * bytes.length}`);
    const s = (us: number) => (us / 1e6).toFixed(2);
    console.log(`${name.padEnd(28)} write ${((t1 - t0) / 1000).toFixed(2)} s (CPU ${s(cpu1.user + cpu1.system)} s)   ` +
      `read ${((t2 - t1) / 1000).toFixed(2)} s (CPU ${s(cpu2.user + cpu2.system - cpu1.user - cpu1.system)} s)`);
  } finally {
    await driver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`${blocks} blocks of ${blockBytes / 1024} KB written one statement each, read back ${READ_RUN} blocks a statement`);
for (let round = 0; round < 2; round++) {
  await measure('store (protocol exchanges)', storeDriver);
  await measure('node-postgres on PGlite', nodePostgresDriver);
}

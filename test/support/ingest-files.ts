// Real files for the ingest tests: a temp directory, workbooks written by exceljs, hand-built zips, and row collection.

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { Cell } from '../../src/ingest/types.ts';
import { openZipArchive, type ZipArchive, type ZipEntry } from '../../src/ingest/zip/zip-archive.ts';
import { partText } from '../../src/ingest/zip/zip-part-text.ts';

export interface TempDir {
  path(name: string): string;
  write(name: string, content: string | Uint8Array): Promise<string>;
  remove(): Promise<void>;
}

export async function makeTempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'sheethook-ingest-'));
  return {
    path: (name) => join(dir, name),
    async write(name, content) {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function writeXlsx(path: string, build: (workbook: ExcelJS.Workbook) => void): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  await workbook.xlsx.writeFile(path);
  return path;
}

export async function collect(rows: AsyncIterable<Cell[]>): Promise<Cell[][]> {
  const all: Cell[][] = [];
  for await (const row of rows) all.push(row);
  return all;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A valid zip of uncompressed entries: for archives that are zips but not workbooks, and workbooks edited by hand.
 * `deflated`: the entries packed as writers pack them.
 */
export function storedZip(entries: Record<string, string>, deflated = false): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const nameBytes = Buffer.from(name);
    const plain = Buffer.from(text);
    const data = deflated ? deflateRawSync(plain) : plain;
    const crc = crc32(plain);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflated ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(plain.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflated ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(plain.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** What `use` makes of the zip opened, the zip closed after. */
export async function withZip<T>(path: string, use: (archive: ZipArchive) => Promise<T>): Promise<T> {
  const archive = await openZipArchive(path);
  try {
    return await use(archive);
  } finally {
    archive.close();
  }
}

/** The entries the zip's directory lists, in its order. */
export const zipEntries = (path: string): Promise<ZipEntry[]> => withZip(path, async (archive) => [...archive.entries]);

/** Every entry of a zip of text parts, in the directory's order, to edit one and pack them again with storedZip. */
export const zipTexts = (path: string): Promise<Record<string, string>> => withZip(path, async (archive) => {
  const texts: Record<string, string> = {};
  for (const entry of archive.entries) {
    texts[entry.name] = '';
    for await (const piece of partText(archive, entry, () => {})) texts[entry.name] += piece;
  }
  return texts;
});

/** Open file descriptors of this process (Linux), to prove a reader closed what it opened. */
export const openFileCount = async () => (await readdir('/proc/self/fd')).length;

/** Files closing is asynchronous: wait, boundedly, for the count to come back to what it was. */
export async function settledFileCount(expected: number): Promise<number> {
  let count = await openFileCount();
  for (let i = 0; i < 100 && count !== expected; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    count = await openFileCount();
  }
  return count;
}

// readRows reads a workbook whose zip directory gives sizes and places in ZIP64 fields, as some writers do for every part.

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readRows } from './support/read-rows.ts';
import { collect, makeTempDir, type TempDir, writeXlsx, zipEntries } from './support/ingest-files.ts';

const END_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

let dir: TempDir;
beforeAll(async () => (dir = await makeTempDir()));
afterAll(() => dir.remove());

/** The zip with each directory record's sizes and local header offset moved into a ZIP64 extra field. */
function withZip64Directory(zip: Buffer): Buffer {
  const end = zip.lastIndexOf(END_SIGNATURE);
  const directoryAt = zip.readUInt32LE(end + 16);
  const directory = zip.subarray(directoryAt, directoryAt + zip.readUInt32LE(end + 12));
  const records: Buffer[] = [];
  for (let at = 0; at < directory.length;) {
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const header = Buffer.from(directory.subarray(at, at + 46));
    const extra = Buffer.alloc(28);
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(24, 2);
    extra.writeBigUInt64LE(BigInt(header.readUInt32LE(24)), 4);
    extra.writeBigUInt64LE(BigInt(header.readUInt32LE(20)), 12);
    extra.writeBigUInt64LE(BigInt(header.readUInt32LE(42)), 20);
    header.writeUInt32LE(0xffffffff, 20);
    header.writeUInt32LE(0xffffffff, 24);
    header.writeUInt32LE(0xffffffff, 42);
    header.writeUInt16LE(extraLength + extra.length, 30);
    const nameAndExtra = directory.subarray(at + 46, at + 46 + nameLength + extraLength);
    records.push(header, nameAndExtra, extra, directory.subarray(at + 46 + nameLength + extraLength, at + 46 + nameLength + extraLength + commentLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  const newDirectory = Buffer.concat(records);
  const record = Buffer.from(zip.subarray(end, end + 22));
  record.writeUInt32LE(newDirectory.length, 12);
  return Buffer.concat([zip.subarray(0, directoryAt), newDirectory, record]);
}

it('reads every part of a workbook whose directory records are all ZIP64', async () => {
  const original = await writeXlsx(dir.path('book.xlsx'), (wb) => {
    const ws = wb.addWorksheet('People');
    ws.addRow(['name', 'n']);
    for (let i = 1; i <= 100; i++) ws.addRow([`person ${i}`, i]);
  });
  const path = await dir.write('zip64-directory.xlsx', withZip64Directory(await readFile(original)));
  const before = await zipEntries(original);
  expect(before.length).toBeGreaterThan(5);
  // Sizes as the plain directory has them: the file is the same but for its directory.
  expect(await zipEntries(path)).toEqual(before);
  const rows = await collect(readRows(path, { format: 'xlsx' }));
  expect(rows).toHaveLength(101);
  expect(rows[100]).toEqual(['person 100', 100]);
});

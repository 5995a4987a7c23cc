// readRows rejects damaged XLSX files with file_unreadable, promptly, whatever part is broken.

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError } from '../src/errors.ts';
import { readRows } from './support/read-rows.ts';
import { sniffFile } from '../src/ingest/sniff.ts';
import { collect, makeTempDir, storedZip, type TempDir, writeXlsx } from './support/ingest-files.ts';

let dir: TempDir;
let good: Buffer;
beforeAll(async () => {
  dir = await makeTempDir();
  const path = await writeXlsx(dir.path('good.xlsx'), (wb) => {
    const ws = wb.addWorksheet('S');
    ws.addRow(['name', 'n']);
    for (let i = 0; i < 2000; i++) ws.addRow([`person ${i} ${'x'.repeat(i % 50)}`, i]);
  });
  good = await readFile(path);
});
afterAll(() => dir.remove());

async function readError(name: string, bytes: Uint8Array): Promise<AppError> {
  const path = await dir.write(name, bytes);
  const sniff = await sniffFile(path);
  expect(sniff).toEqual({ format: 'xlsx' });
  const error = await collect(readRows(path, sniff)).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** Where a zip entry's data starts, found through its local header. */
function entryDataOffset(zip: Buffer, name: string): number {
  const header = zip.indexOf(Buffer.from(name));
  expect(header).toBeGreaterThan(30);
  return header + Buffer.byteLength(name) + zip.readUInt16LE(header - 2);
}

it('rejects a file cut in half', async () => {
  const error = await readError('half.xlsx', good.subarray(0, good.length >> 1));
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_unreadable' });
  expect(error.message).toMatch(/incomplete|truncated/);
});

it('rejects random bytes behind a zip header', async () => {
  const error = await readError('garbage.xlsx', Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), randomBytes(20_000)]));
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_unreadable' });
});

it('rejects a zip whose directory is intact but whose worksheet data is corrupt', async () => {
  // exceljs alone waits forever for a worksheet entry whose inflation failed.
  const bytes = Buffer.from(good);
  const start = entryDataOffset(bytes, 'xl/worksheets/sheet1.xml');
  bytes.fill(0xff, start + 64, start + 96);
  const error = await readError('corrupt-sheet.xlsx', bytes);
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_unreadable' });
  expect(error.message).toMatch(/damaged/);
});

it('rejects a zip whose shared strings are corrupt', async () => {
  const bytes = Buffer.from(good);
  const start = entryDataOffset(bytes, 'xl/sharedStrings.xml');
  bytes.fill(0xff, start + 16, start + 48);
  const error = await readError('corrupt-strings.xlsx', bytes);
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_unreadable' });
});

it('rejects a zip that is not a workbook', async () => {
  const error = await readError('not-a-book.xlsx', storedZip({ 'readme.txt': 'hello', 'data/a.json': '{}' }));
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_unreadable' });
  expect(error.message).toMatch(/not an Excel workbook/);
});

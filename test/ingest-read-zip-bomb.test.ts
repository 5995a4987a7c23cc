// readRows refuses XLSX zip bombs: from the zip directory before parsing, a part that unpacks to more than the directory
// says, and by counting what is unpacked.

import { readFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError } from '../src/errors.ts';
import { readRows } from './support/read-rows.ts';
import { MAX_ENTRIES } from '../src/ingest/zip/zip-limits.ts';
import { collect, makeTempDir, storedZip, type TempDir, writeXlsx, zipEntries, zipTexts } from './support/ingest-files.ts';

const MiB = 1024 * 1024;
const BOMB_MIB = 300;

let dir: TempDir;
let workbook: Buffer;
/** 300 MiB of zeros, raw-deflated into about 300 KiB. */
let zeros: { data: Buffer; crc: number; size: number };

/**
 * A deflate segment ended by a sync flush refers only to the bytes before it, so the same segment
 * repeated, then closed by an empty final block, inflates to the bytes repeated: no need to
 * compress 300 MiB to make one. A prefix, deflated on its own, can open it.
 */
function deflatedRepeat(mebibytes: number, { prefix = '', fill = 0 } = {}): { data: Buffer; crc: number; size: number } {
  const mebibyte = Buffer.alloc(MiB, fill);
  const head = Buffer.from(prefix);
  const segment = zlib.deflateRawSync(mebibyte, { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  let crc = zlib.crc32(head);
  for (let i = 0; i < mebibytes; i++) crc = zlib.crc32(mebibyte, crc);
  const opening = head.length > 0 ? [zlib.deflateRawSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH })] : [];
  return {
    data: Buffer.concat([...opening, ...new Array<Buffer>(mebibytes).fill(segment), Buffer.from([0x03, 0x00])]),
    crc,
    size: head.length + mebibytes * MiB,
  };
}

const deflatedZeros = (mebibytes: number) => deflatedRepeat(mebibytes);

/** The zip's directory without the record of the entry of this name, and how many records are left. */
function directoryWithout(directory: Buffer, name: string): { records: Buffer; count: number } {
  const kept: Buffer[] = [];
  for (let at = 0; at < directory.length;) {
    const length = 46 + directory.readUInt16LE(at + 28) + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    if (directory.toString('utf8', at + 46, at + 46 + directory.readUInt16LE(at + 28)) !== name) kept.push(directory.subarray(at, at + length));
    at += length;
  }
  return { records: Buffer.concat(kept), count: kept.length };
}

/**
 * The zip with one more deflated entry, written before the directory, which lists it in place of any
 * entry of the same name; `declaredSize` may lie about what it unpacks to, and past 4 GiB goes in a
 * ZIP64 extra field as the format wants.
 */
function withEntry(zip: Buffer, name: string, entry: { data: Buffer; crc: number; size: number }, declaredSize = entry.size): Buffer {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const directoryAt = zip.readUInt32LE(end + 16);
  const { records, count } = directoryWithout(zip.subarray(directoryAt, directoryAt + zip.readUInt32LE(end + 12)), name);
  const directorySize = records.length;
  const nameBytes = Buffer.from(name);
  const zip64 = declaredSize > 0xfffffffe;
  const extra = Buffer.alloc(zip64 ? 20 : 0);
  if (zip64) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(declaredSize), 4);
    extra.writeBigUInt64LE(BigInt(entry.data.length), 12);
  }
  const sizes = (header: Buffer, at: number) => {
    header.writeUInt32LE(entry.crc, at);
    header.writeUInt32LE(zip64 ? 0xffffffff : entry.data.length, at + 4);
    header.writeUInt32LE(zip64 ? 0xffffffff : declaredSize, at + 8);
    header.writeUInt16LE(nameBytes.length, at + 12);
    header.writeUInt16LE(extra.length, at + 14);
  };
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(zip64 ? 45 : 20, 4);
  local.writeUInt16LE(8, 8);
  sizes(local, 14);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(45, 4);
  central.writeUInt16LE(zip64 ? 45 : 20, 6);
  central.writeUInt16LE(8, 10);
  sizes(central, 16);
  central.writeUInt32LE(directoryAt, 42);
  const record = Buffer.from(zip.subarray(end, end + 22));
  record.writeUInt16LE(count + 1, 8);
  record.writeUInt16LE(count + 1, 10);
  record.writeUInt32LE(directorySize + central.length + nameBytes.length + extra.length, 12);
  record.writeUInt32LE(directoryAt + local.length + nameBytes.length + extra.length + entry.data.length, 16);
  return Buffer.concat([
    zip.subarray(0, directoryAt), local, nameBytes, extra, entry.data,
    records, central, nameBytes, extra, record,
  ]);
}

beforeAll(async () => {
  dir = await makeTempDir();
  const path = await writeXlsx(dir.path('book.xlsx'), (wb) => {
    const ws = wb.addWorksheet('S');
    ws.addRow(['name', 'n']);
    for (let i = 0; i < 100; i++) ws.addRow([`person ${i}`, i]);
  });
  workbook = await readFile(path);
  zeros = deflatedZeros(BOMB_MIB);
});
afterAll(() => dir.remove());

async function readError(path: string, options = {}): Promise<AppError> {
  const error = await collect(readRows(path, { format: 'xlsx' }, options)).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

it('builds its bomb right: a small file whose directory lists 300 MiB in one part', async () => {
  expect(zlib.inflateRawSync(deflatedZeros(2).data).equals(Buffer.alloc(2 * MiB))).toBe(true);
  const bytes = withEntry(workbook, 'xl/media/zeros.bin', zeros);
  expect(bytes.length).toBeLessThan(MiB);
  const entries = await zipEntries(await dir.write('listed.xlsx', bytes));
  expect(entries.at(-1)).toMatchObject({ name: 'xl/media/zeros.bin', compressedSize: zeros.data.length, uncompressedSize: BOMB_MIB * MiB });
  // The workbook's own parts are still listed, with their real sizes.
  expect(entries.map((e) => e.name)).toContain('xl/worksheets/sheet1.xml');
  expect(entries.slice(0, -1).every((e) => e.uncompressedSize < MiB)).toBe(true);
});

it('refuses a part that unpacks to hundreds of MiB from almost nothing, before parsing', async () => {
  const path = await dir.write('bomb.xlsx', withEntry(workbook, 'xl/media/zeros.bin', zeros));
  const error = await readError(path);
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_too_large' });
  expect(error.message).toMatch(/^The XLSX file's part "xl\/media\/zeros\.bin" unpacks to 300 MiB, \d+ times its packed size of 30\d KiB: refused as a zip bomb$/);
});

it('reads sizes past 4 GiB from the ZIP64 extra field', async () => {
  const path = await dir.write('zip64.xlsx', withEntry(workbook, 'xl/media/huge.bin', zeros, 5 * 1024 * MiB));
  expect((await zipEntries(path)).at(-1)).toMatchObject({ name: 'xl/media/huge.bin', compressedSize: zeros.data.length, uncompressedSize: 5 * 1024 * MiB });
  const error = await readError(path);
  expect(error).toMatchObject({ code: 'file_too_large' });
  expect(error.message).toMatch(/"xl\/media\/huge\.bin" unpacks to 5\.0 GiB/);
});

it('refuses a file whose parts unpack to more than maxUncompressedBytes in all', async () => {
  const path = await dir.write('book.xlsx', workbook);
  const error = await readError(path, { maxUncompressedBytes: 4096 });
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_too_large' });
  expect(error.message).toMatch(/^The XLSX file unpacks to \d+(\.\d)? KiB, more than the 4\.0 KiB allowed$/);
  // The same file under the default limit reads.
  expect(await collect(readRows(path, { format: 'xlsx' }))).toHaveLength(101);
});

it('stops unpacking a part at the size its directory gives, when the directory understates it', async () => {
  // Shared strings that open a string and go on with 300 MiB of spaces, valid XML as far as it goes. Directory and
  // local header both claim 1000 bytes: the checks before parsing pass, and only unpacking can tell.
  const spaces = deflatedRepeat(BOMB_MIB, { prefix: '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>', fill: 0x20 });
  const path = await dir.write('liar.xlsx', withEntry(workbook, 'xl/sharedStrings.xml', spaces, 1000));
  const listed = await zipEntries(path);
  expect(listed.filter((e) => e.name === 'xl/sharedStrings.xml').map((e) => e.uncompressedSize)).toEqual([1000]);
  const error = await readError(path, { maxUncompressedBytes: 32 * MiB });
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_too_large' });
  expect(error.message).toBe('The XLSX file\'s part "xl/sharedStrings.xml" unpacks to more than the 1000 bytes its zip directory says');
});

it('refuses, as damaged, a part that unpacks to less than its directory says', async () => {
  const text = Buffer.from((await zipTexts(dir.path('book.xlsx')))['xl/workbook.xml']);
  const part = { data: zlib.deflateRawSync(text), crc: zlib.crc32(text), size: text.length };
  // The same part, honestly listed, reads.
  const honest = await dir.write('honest.xlsx', withEntry(workbook, 'xl/workbook.xml', part));
  expect(await collect(readRows(honest, { format: 'xlsx' }))).toHaveLength(101);
  const error = await readError(await dir.write('short.xlsx', withEntry(workbook, 'xl/workbook.xml', part, part.size + 100)));
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_unreadable' });
  expect(error.message).toBe('The XLSX file is damaged: its part "xl/workbook.xml" unpacks to less than its zip directory says');
});

it('counts what is unpacked across parts, a part read twice counted twice', async () => {
  // Two sheets of one blank part: the first has no rows, so the second is read, and unpacks the part again.
  const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
  const relationships = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const blankRows = Array.from({ length: 2000 }, (_, i) => `<row r="${i + 1}"></row>`).join('');
  const path = await dir.write('shared-part.xlsx', storedZip({
    'xl/workbook.xml': `<workbook xmlns="${main}" xmlns:r="${relationships}"><sheets>`
      + '<sheet name="A" sheetId="1" r:id="rId1"/><sheet name="B" sheetId="2" r:id="rId2"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + `<Relationship Id="rId1" Type="${relationships}/worksheet" Target="worksheets/sheet1.xml"/>`
      + `<Relationship Id="rId2" Type="${relationships}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `<worksheet xmlns="${main}"><sheetData>${blankRows}</sheetData></worksheet>`,
  }));
  const listed = (await zipEntries(path)).reduce((total, entry) => total + entry.uncompressedSize, 0);
  // Room for every part once, the sheet's too, and not for the sheet twice.
  const error = await readError(path, { maxUncompressedBytes: listed + 1024 });
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_too_large' });
  expect(error.message).toMatch(/^The XLSX file unpacks to more than the \d+(\.\d)? KiB allowed/);
  // Under the default limit both sheets are read, and have no rows.
  expect(await collect(readRows(path, { format: 'xlsx' }))).toEqual([]);
});

it('refuses a zip that lists more entries than any workbook has, before reading them', async () => {
  const entries = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`media/${i}.txt`, '']));
  const error = await readError(await dir.write('crowded.xlsx', storedZip(entries(MAX_ENTRIES + 1))));
  expect(error).toMatchObject({ httpStatus: 400, code: 'file_too_large' });
  expect(error.message).toBe(`The XLSX file's zip lists ${MAX_ENTRIES + 1} parts, more than the ${MAX_ENTRIES} any workbook has`);
  // One fewer is read, and found to be no workbook.
  const fewer = await readError(await dir.write('full.xlsx', storedZip(entries(MAX_ENTRIES))));
  expect(fewer).toMatchObject({ httpStatus: 400, code: 'file_unreadable' });
  expect(fewer.message).toMatch(/not an Excel workbook/);
});

it('reads a workbook with an honest extra part within the limits', async () => {
  const small = deflatedZeros(1);
  const path = await dir.write('extra.xlsx', withEntry(workbook, 'xl/media/blank.bin', small));
  const rows = await collect(readRows(path, { format: 'xlsx' }));
  expect(rows[0]).toEqual(['name', 'n']);
  expect(rows).toHaveLength(101);
});

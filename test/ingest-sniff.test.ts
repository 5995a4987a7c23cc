// sniffFile tells CSV from XLSX, finds a CSV's encoding and delimiter, and refuses what is neither.

import { randomBytes } from 'node:crypto';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.ts';
import { sniffFile } from '../src/ingest/sniff.ts';
import { makeTempDir, type TempDir, writeXlsx } from './support/ingest-files.ts';

let dir: TempDir;
beforeAll(async () => (dir = await makeTempDir()));
afterAll(() => dir.remove());

async function sniffError(path: string): Promise<AppError> {
  const error = await sniffFile(path).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('CSV encoding', () => {
  it('reads plain UTF-8 as utf-8', async () => {
    const path = await dir.write('utf8.csv', 'name,city\nRenée,Zürich\n');
    expect(await sniffFile(path)).toEqual({ format: 'csv', encoding: 'utf-8', delimiter: ',' });
  });

  it('recognises a UTF-8 byte order mark', async () => {
    const path = await dir.write('utf8-bom.csv', '\uFEFFname;city\nRenée;Zürich\n');
    expect(await sniffFile(path)).toEqual({ format: 'csv', encoding: 'utf-8', delimiter: ';' });
  });

  it('recognises UTF-16 LE and BE by their byte order marks', async () => {
    const le = await dir.write('utf16le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('name\tcity\nRenée\tZürich\n', 'utf-16le')]));
    const be = await dir.write('utf16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode('name|city\nRenée|Zürich\n', 'utf-16be')]));
    expect(await sniffFile(le)).toEqual({ format: 'csv', encoding: 'utf-16le', delimiter: '\t' });
    expect(await sniffFile(be)).toEqual({ format: 'csv', encoding: 'utf-16be', delimiter: '|' });
  });

  it('recognises UTF-16 LE written without a byte order mark', async () => {
    const path = await dir.write('utf16le-nobom.csv', iconv.encode('name,city\nAnn,Paris\nBob,Rome\n', 'utf-16le'));
    expect(await sniffFile(path)).toEqual({ format: 'csv', encoding: 'utf-16le', delimiter: ',' });
  });

  it('takes Latin-1 bytes that are not UTF-8 as windows-1252', async () => {
    const path = await dir.write('cp1252.csv', iconv.encode('Café;Müller\nÉté;Größe\n', 'windows-1252'));
    expect(await sniffFile(path)).toEqual({ format: 'csv', encoding: 'windows-1252', delimiter: ';' });
  });

  it('still calls a file UTF-8 when its 64 KiB sample ends inside a multi-byte character', async () => {
    // 'é' is two bytes; 'a' shifts them so one straddles the sample's end.
    const path = await dir.write('long-utf8.csv', 'a,b\n' + 'a' + 'é,x\n'.repeat(20_000));
    expect(await sniffFile(path)).toEqual({ format: 'csv', encoding: 'utf-8', delimiter: ',' });
  });
});

describe('CSV delimiter', () => {
  it('ignores delimiters inside quoted fields', async () => {
    const path = await dir.write('quoted.csv', 'name,notes\n"Smith; J","a; b; c"\n"Lee; K","d; e"\n');
    expect((await sniffFile(path)) as { delimiter: string }).toMatchObject({ delimiter: ',' });
  });

  it('prefers the delimiter with a steady field count over one that only appears in decimals', async () => {
    const path = await dir.write('decimals.csv', 'item;price;qty\nTea;1,50;2\nCake;12,25;1\nJam;3,00;4\n');
    expect((await sniffFile(path)) as { delimiter: string }).toMatchObject({ delimiter: ';' });
  });

  it('falls back to a comma for a single column', async () => {
    const path = await dir.write('one-column.csv', 'email\na@example.com\nb@example.com\n');
    expect(await sniffFile(path)).toEqual({ format: 'csv', encoding: 'utf-8', delimiter: ',' });
  });
});

describe('format', () => {
  it('calls a zip file XLSX', async () => {
    const path = await writeXlsx(dir.path('book.xlsx'), (wb) => wb.addWorksheet('S').addRow(['a']));
    expect(await sniffFile(path)).toEqual({ format: 'xlsx' });
  });

  it('refuses legacy .xls files with a way out', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512, 1)]);
    const error = await sniffError(await dir.write('old.xls', ole));
    expect(error).toMatchObject({ httpStatus: 415, code: 'unsupported_format' });
    expect(error.message).toMatch(/\.xlsx/);
    expect(error.message).toMatch(/\.csv/);
  });

  it('refuses an empty file', async () => {
    const error = await sniffError(await dir.write('empty.csv', ''));
    expect(error).toMatchObject({ httpStatus: 400, code: 'file_empty', message: 'The file is empty' });
  });

  it('refuses binary data with NUL bytes', async () => {
    const bytes = randomBytes(4096);
    bytes[100] = 0;
    const error = await sniffError(await dir.write('random.bin', bytes));
    expect(error).toMatchObject({ httpStatus: 415, code: 'unsupported_format' });
    expect(error.message).toMatch(/not a CSV or XLSX file/);
  });

  it('refuses data full of control characters even without NUL bytes', async () => {
    const bytes = Buffer.alloc(2000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i % 3 === 0 ? 0x01 + (i % 8) : 0x41 + (i % 26);
    const error = await sniffError(await dir.write('controls.bin', bytes));
    expect(error).toMatchObject({ httpStatus: 415, code: 'unsupported_format' });
  });

  it('accepts the odd stray control character in text', async () => {
    const path = await dir.write('stray.csv', 'a,b\n1,2\n3,4\n\x1a');
    expect(await sniffFile(path)).toEqual({ format: 'csv', encoding: 'utf-8', delimiter: ',' });
  });
});

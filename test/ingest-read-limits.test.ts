// readRows refuses fields past maxFieldBytes, including the endless field an unclosed quote makes.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { readRows } from './support/read-rows.ts';
import { sniffFile } from '../src/ingest/sniff.ts';
import { collect, makeTempDir, type TempDir, writeXlsx } from './support/ingest-files.ts';

let dir: TempDir;
beforeAll(async () => (dir = await makeTempDir()));
afterAll(() => dir.remove());

it('refuses a CSV field longer than the limit', async () => {
  const path = await dir.write('long-field.csv', `a,b\n1,${'x'.repeat(5000)}\n`);
  await expect(collect(readRows(path, await sniffFile(path), { maxFieldBytes: 4096 }))).rejects.toMatchObject({ httpStatus: 400, code: 'field_too_large' });
});

it('counts bytes, not characters', async () => {
  // 1500 characters of two bytes each: under a 2048 limit in characters, over it in bytes.
  const path = await dir.write('wide-field.csv', `a\n${'é'.repeat(1500)}\n`);
  await expect(collect(readRows(path, await sniffFile(path), { maxFieldBytes: 2048 }))).rejects.toMatchObject({ code: 'field_too_large' });
  expect(await collect(readRows(path, await sniffFile(path), { maxFieldBytes: 3000 }))).toHaveLength(2);
});

it('stops at an unclosed quote instead of reading the rest of the file into one field', async () => {
  const rest = 'next,row\n'.repeat(400_000);
  const path = await dir.write('unclosed.csv', `a,b\n"never closed,1\n${rest}`);
  const rows: unknown[] = [];
  const read = async () => {
    for await (const row of readRows(path, await sniffFile(path), { maxFieldBytes: 64 * 1024 })) rows.push(row);
  };
  await expect(read()).rejects.toMatchObject({ httpStatus: 400, code: 'field_too_large' });
  expect(rows).toEqual([['a', 'b']]);
});

it('refuses an XLSX cell longer than the limit', async () => {
  const path = await writeXlsx(dir.path('long-cell.xlsx'), (wb) => wb.addWorksheet('S').addRow(['a', 'y'.repeat(5000)]));
  await expect(collect(readRows(path, { format: 'xlsx' }, { maxFieldBytes: 4096 }))).rejects.toMatchObject({ code: 'field_too_large' });
});

it('accepts fields up to the default limit', async () => {
  const path = await dir.write('big-ok.csv', `a,b\n1,"${'z'.repeat(100_000)}"\n`);
  const rows = await collect(readRows(path, await sniffFile(path)));
  expect(rows[1][1]).toHaveLength(100_000);
});

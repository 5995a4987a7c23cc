// A consumer that stops iterating early leaves no open file, no temp file, and nothing pending.

import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readRows } from './support/read-rows.ts';
import { sniffFile } from '../src/ingest/sniff.ts';
import type { Cell } from '../src/ingest/types.ts';
import { collect, makeTempDir, openFileCount, settledFileCount, type TempDir, writeXlsx } from './support/ingest-files.ts';

let dir: TempDir;
let csvPath: string;
let xlsxPath: string;
beforeAll(async () => {
  dir = await makeTempDir();
  const lines = ['id,name'];
  for (let i = 1; i <= 50_000; i++) lines.push(`${i},person ${i}`);
  csvPath = await dir.write('many.csv', lines.join('\n'));
  xlsxPath = await writeXlsx(dir.path('many.xlsx'), (wb) => {
    const ws = wb.addWorksheet('S');
    ws.addRow(['id', 'name']);
    for (let i = 1; i <= 5000; i++) ws.addRow([i, `person ${i}`]);
    wb.addWorksheet('Later').addRow(['never read']);
  });
});
afterAll(() => dir.remove());

/** exceljs names its temp files after the process. */
const tempFiles = async () => (await readdir(tmpdir())).filter((name) => name.startsWith(`tmp-${process.pid}-`));

async function firstRows(path: string, count: number): Promise<Cell[][]> {
  const rows: Cell[][] = [];
  for await (const row of readRows(path, await sniffFile(path))) {
    rows.push(row);
    if (rows.length === count) break;
  }
  return rows;
}

it('closes a CSV file when the consumer breaks', async () => {
  const before = await openFileCount();
  expect(await firstRows(csvPath, 3)).toEqual([['id', 'name'], ['1', 'person 1'], ['2', 'person 2']]);
  expect(await settledFileCount(before)).toBe(before);
});

it('closes an XLSX file and leaves no temp file when the consumer breaks', async () => {
  const tempBefore = await tempFiles();
  const before = await openFileCount();
  expect(await firstRows(xlsxPath, 2)).toEqual([['id', 'name'], [1, 'person 1']]);
  expect(await settledFileCount(before)).toBe(before);
  expect(await tempFiles()).toEqual(tempBefore);
});

it('closes the file when the consumer throws', async () => {
  const before = await openFileCount();
  const consume = async () => {
    for await (const row of readRows(csvPath, await sniffFile(csvPath))) if (row[0] === '10') throw new Error('consumer failed');
  };
  await expect(consume()).rejects.toThrow('consumer failed');
  expect(await settledFileCount(before)).toBe(before);
});

it('reads the same file again in full after an early stop', async () => {
  await firstRows(xlsxPath, 1);
  const rows = await collect(readRows(xlsxPath, { format: 'xlsx' }));
  expect(rows).toHaveLength(5001);
  expect(rows[5000]).toEqual([5000, 'person 5000']);
});

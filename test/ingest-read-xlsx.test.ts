// readRows turns XLSX worksheets into plain cells: typed values, dense rows, the right sheet.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from './support/read-rows.ts';
import { collect, makeTempDir, type TempDir, writeXlsx } from './support/ingest-files.ts';

let dir: TempDir;
beforeAll(async () => (dir = await makeTempDir()));
afterAll(() => dir.remove());

const readXlsx = (path: string, sheet?: string) => collect(readRows(path, { format: 'xlsx', sheet }));

describe('cell values', () => {
  let rows: unknown[][];
  beforeAll(async () => {
    const path = await writeXlsx(dir.path('typed.xlsx'), (wb) => {
      const ws = wb.addWorksheet('People');
      ws.addRow(['name', 'zip', 'score', 'active', 'born', 'double', 'bio', 'site', 'bad', 'seen']);
      ws.addRow([
        'Ann',
        '01234',
        12.5,
        true,
        new Date(Date.UTC(1990, 4, 17)),
        { formula: 'C2*2', result: 25 },
        { richText: [{ text: 'Loves ' }, { font: { bold: true }, text: 'tea' }] },
        { text: 'home page', hyperlink: 'https://example.com' },
        { error: '#N/A' },
        { formula: 'E2+1', result: new Date(Date.UTC(1990, 4, 18)) },
      ]);
      ws.getCell('E2').numFmt = 'yyyy-mm-dd';
      ws.getCell('J2').numFmt = 'yyyy-mm-dd';
      ws.addRow([false, 0]);
    });
    rows = await readXlsx(path);
  });

  it('keeps the heading row first', () => {
    expect(rows[0]).toEqual(['name', 'zip', 'score', 'active', 'born', 'double', 'bio', 'site', 'bad', 'seen']);
  });

  it('keeps strings, text with leading zeros, numbers and booleans as typed', () => {
    expect(rows[1].slice(0, 4)).toEqual(['Ann', '01234', 12.5, true]);
    expect(rows[2]).toEqual([false, 0]);
  });

  it('gives date-formatted cells as UTC dates', () => {
    expect(rows[1][4]).toEqual(new Date(Date.UTC(1990, 4, 17)));
  });

  it('gives a formula its cached result, as a date when the cell is date-formatted', () => {
    expect(rows[1][5]).toBe(25);
    expect(rows[1][9]).toEqual(new Date(Date.UTC(1990, 4, 18)));
  });

  it('joins rich text runs, reads a hyperlink as its text, and an error as null', () => {
    expect(rows[1].slice(6, 9)).toEqual(['Loves tea', 'home page', null]);
  });
});

it('fills gaps in sparse rows with null and skips empty rows', async () => {
  const path = await writeXlsx(dir.path('sparse.xlsx'), (wb) => {
    const ws = wb.addWorksheet('S');
    ws.getCell('A1').value = 'a';
    ws.getCell('D1').value = 'd';
    ws.getCell('B3').value = 2;
    ws.getCell('A5').value = '   ';
    ws.getCell('C7').value = 'c';
  });
  expect(await readXlsx(path)).toEqual([['a', null, null, 'd'], [null, 2], [null, null, 'c']]);
});

it('gives every cell of a shared formula its own result', async () => {
  const path = await writeXlsx(dir.path('shared.xlsx'), (wb) => {
    const ws = wb.addWorksheet('S');
    ws.addRow(['n', 'double']);
    ws.addRow([1, { formula: 'A2*2', shareType: 'shared', ref: 'B2:B3', result: 2 }]);
    ws.addRow([2, { sharedFormula: 'B2', result: 4 }]);
  });
  expect(await readXlsx(path)).toEqual([['n', 'double'], [1, 2], [2, 4]]);
});

it('reads dates of a workbook on the 1904 date system', async () => {
  const path = await writeXlsx(dir.path('1904.xlsx'), (wb) => {
    wb.properties.date1904 = true;
    const ws = wb.addWorksheet('S');
    ws.addRow([new Date(Date.UTC(2024, 1, 29, 13, 30))]);
    ws.getCell('A1').numFmt = 'yyyy-mm-dd hh:mm';
  });
  expect(await readXlsx(path)).toEqual([[new Date(Date.UTC(2024, 1, 29, 13, 30))]]);
});

describe('which sheet', () => {
  let path: string;
  beforeAll(async () => {
    path = await writeXlsx(dir.path('sheets.xlsx'), (wb) => {
      wb.addWorksheet('Cover');
      wb.addWorksheet('Lookup', { state: 'hidden' }).addRow(['hidden']);
      wb.addWorksheet('Blank rows only').getCell('B2').value = '  ';
      wb.addWorksheet('Data').addRow(['first data']);
      wb.addWorksheet('More').addRow(['second data']);
    });
  });

  it('reads the first visible sheet that has rows', async () => {
    expect(await readXlsx(path)).toEqual([['first data']]);
  });

  it('reads the named sheet, hidden or not, matching its name loosely', async () => {
    expect(await readXlsx(path, 'more')).toEqual([['second data']]);
    expect(await readXlsx(path, ' Lookup ')).toEqual([['hidden']]);
  });

  it('reads a named empty sheet as no rows', async () => {
    expect(await readXlsx(path, 'Cover')).toEqual([]);
  });

  it('refuses a sheet name the workbook does not have', async () => {
    await expect(readXlsx(path, 'Nope')).rejects.toMatchObject({ httpStatus: 400, code: 'sheet_not_found' });
  });
});

it('reads a workbook with no rows at all as no rows', async () => {
  const path = await writeXlsx(dir.path('empty-book.xlsx'), (wb) => wb.addWorksheet('Empty'));
  expect(await readXlsx(path)).toEqual([]);
});

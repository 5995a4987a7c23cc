// detectHeaderRow finds the headings below title rows, in real CSV and XLSX files as readRows gives them.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectHeaderRow } from '../src/ingest/map/header-row.ts';
import { readRows } from './support/read-rows.ts';
import { sniffFile } from '../src/ingest/sniff.ts';
import type { Column } from '../src/domain/column.ts';
import type { Cell } from '../src/ingest/types.ts';
import { collect, makeTempDir, type TempDir, writeXlsx } from './support/ingest-files.ts';

const column = (key: string, name: string, extra: Partial<Column> = {}): Column => ({
  key, name, type: 'string', required: false, unique: false, alternateKeys: [], ...extra,
});

const columns = [
  column('name', 'Name', { required: true }),
  column('email', 'Email', { required: true }),
  column('amount', 'Amount', { type: 'number' }),
  column('postalCode', 'Postcode'),
];

let dir: TempDir;
beforeAll(async () => (dir = await makeTempDir()));
afterAll(() => dir.remove());

async function rowsOf(path: string): Promise<Cell[][]> {
  return (await collect(readRows(path, await sniffFile(path)))).slice(0, 20);
}

describe('in files', () => {
  it('skips the title rows of a CSV export', async () => {
    const path = await dir.write('titled.csv', [
      'Sales report 2024,,,',
      'Exported by Foo,,,',
      ',,,',
      'Name,E-mail,Amount,Postal Code',
      'Ann,ann@example.com,12.5,01234',
      'Bo,bo@example.com,3,99999',
    ].join('\n'));
    const rows = await rowsOf(path);
    // readRows leaves out the blank line, so the header is the third row it gives.
    expect(detectHeaderRow(rows, columns)).toBe(2);
    expect(rows[2]).toEqual(['Name', 'E-mail', 'Amount', 'Postal Code']);
  });

  it('skips the title rows of an XLSX sheet', async () => {
    const path = await writeXlsx(dir.path('titled.xlsx'), (wb) => {
      const ws = wb.addWorksheet('Report');
      ws.addRow(['Sales report 2024']);
      ws.addRow(['Exported by Foo', null, null]);
      ws.addRow([new Date(Date.UTC(2024, 5, 1)), 'Quarter 2']);
      ws.addRow(['Name', 'Email', 'Amount']);
      ws.addRow(['Ann', 'ann@example.com', 12.5]);
    });
    const rows = await rowsOf(path);
    expect(detectHeaderRow(rows, columns)).toBe(3);
  });

  it('takes the first row of a file that starts with its headings', async () => {
    const path = await dir.write('plain.csv', 'name,email\nName,x@example.com\n');
    expect(detectHeaderRow(await rowsOf(path), columns)).toBe(0);
  });
});

describe('choosing between rows', () => {
  it('takes the row matching the most columns', () => {
    const rows: Cell[][] = [
      ['Name', 'Comment'],
      ['Name', 'Email', 'Amount'],
      ['Ann', 'ann@example.com', 3],
    ];
    expect(detectHeaderRow(rows, columns)).toBe(1);
  });

  it('takes the earliest of rows that match equally', () => {
    const rows: Cell[][] = [['Note'], ['Name', 'Email'], ['Email', 'Name'], ['Ann', 'a@example.com']];
    expect(detectHeaderRow(rows, columns)).toBe(1);
  });

  it('counts headings that match by similar spelling', () => {
    const rows: Cell[][] = [['Name', 'Notes'], ['NAME', 'e_mail', 'Postal-Code'], ['Ann', 'a@example.com', '1234']];
    expect(detectHeaderRow(rows, columns)).toBe(1);
  });

  it('does not take a title that only resembles a column', () => {
    const rows: Cell[][] = [['Email list'], ['Mail', 'Who', 'When'], ['a@example.com', 'Ann', 'May']];
    // Nothing matches confidently: the first row of text at least half as wide as the widest.
    expect(detectHeaderRow(rows, columns)).toBe(1);
  });

  it('looks only at the first 20 rows', () => {
    const rows: Cell[][] = [...Array.from({ length: 20 }, (_, i) => [`Title ${i}`]), ['Name', 'Email']];
    expect(detectHeaderRow(rows, columns)).toBe(0);
  });
});

describe('when no row matches a column', () => {
  const other = [column('sku', 'SKU')];

  it('takes the first row of text at least half as wide as the widest row', () => {
    const rows: Cell[][] = [
      ['Inventory', null, null, null],
      ['Exported by Foo'],
      ['Item', 'Colour', 'Count', 'Shelf'],
      ['Chair', 'Red', 4, 'A1'],
    ];
    expect(detectHeaderRow(rows, other)).toBe(2);
  });

  it('does not take a row with numbers or dates in it', () => {
    const rows: Cell[][] = [
      ['Report'],
      ['2024-01-31', 'Total', '12'],
      [new Date(), 'Total', 'x'],
      ['Day', 'Kind', 'Value'],
    ];
    expect(detectHeaderRow(rows, other)).toBe(3);
  });

  it('takes the first row when nothing looks like headings', () => {
    expect(detectHeaderRow([['1', '2'], ['3', '4']], other)).toBe(0);
    expect(detectHeaderRow([], other)).toBe(0);
  });
});

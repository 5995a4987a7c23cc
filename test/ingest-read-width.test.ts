// readRows refuses rows wider than maxColumns, CSV from its text before parsing, XLSX by the last cell with a value.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/errors.ts';
import { csvWidthScanner } from '../src/ingest/csv/csv-width.ts';
import { readRows } from './support/read-rows.ts';
import { sniffFile } from '../src/ingest/sniff.ts';
import { collect, makeTempDir, type TempDir, writeXlsx } from './support/ingest-files.ts';

let dir: TempDir;
beforeAll(async () => (dir = await makeTempDir()));
afterAll(() => dir.remove());

async function readError(path: string, options = {}): Promise<AppError> {
  const error = await collect(readRows(path, await sniffFile(path), options)).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('CSV', () => {
  it('refuses a line of 10,000 columns, naming the limit and the width', async () => {
    const path = await dir.write('wide.csv', `a,b\n${Array.from({ length: 10_000 }, (_, i) => i).join(',')}\n1,2\n`);
    const error = await readError(path);
    expect(error).toMatchObject({ httpStatus: 400, code: 'too_many_columns' });
    expect(error.message).toBe('The file has a row of 10000 columns; at most 2000 are allowed');
  });

  it('refuses a line of millions of columns from its first chunk, before the parser holds it', async () => {
    // 6 MB of commas on one line: past the text the parser may buffer, so only the scan can name the width.
    const path = await dir.write('endless.csv', `a,b\n${','.repeat(6_000_000)}\n`);
    const rows: unknown[] = [];
    const read = async () => {
      for await (const row of readRows(path, await sniffFile(path))) rows.push(row);
    };
    const error = await read().then(() => null, (e: unknown) => e as AppError);
    expect(error).toMatchObject({ code: 'too_many_columns' });
    expect(error!.message).toMatch(/^The file has a row of at least \d+ columns; at most 2000 are allowed$/);
  });

  it('takes maxColumns from the options', async () => {
    const path = await dir.write('four.csv', 'a,b,c\n1,2,3\n1,2,3,4\n');
    expect(await collect(readRows(path, await sniffFile(path), { maxColumns: 4 }))).toHaveLength(3);
    const error = await readError(path, { maxColumns: 3 });
    expect(error.message).toBe('The file has a row of 4 columns; at most 3 are allowed');
  });

  it('does not count delimiters inside quoted fields', async () => {
    const quoted = `"${'x,'.repeat(5000)}""quoted"" , more\nstill the same field"`;
    const path = await dir.write('quoted.csv', `a,b\n${quoted},2\n`);
    const rows = await collect(readRows(path, await sniffFile(path)));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toHaveLength(2);
    expect(rows[1][0]).toMatch(/^x,x,.*"quoted" , more\nstill the same field$/s);
  });

  it('counts the same whichever way the text is cut into chunks', () => {
    const text = 'a,"b,""c"",d",e\n"x\n,y",z\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const fits = csvWidthScanner(',', 3);
      expect(() => { fits(text.slice(0, cut)); fits(text.slice(cut)); }).not.toThrow();
      const tight = csvWidthScanner(',', 2);
      expect(() => { tight(text.slice(0, cut)); tight(text.slice(cut)); }).toThrow(/row of (at least )?3 columns/);
    }
  });

  it('counts with the delimiter of the file', async () => {
    const path = await dir.write('semicolons.csv', `a;b\n${Array.from({ length: 30 }, () => '1,5').join(';')}\n`);
    expect((await readError(path, { maxColumns: 20 })).message).toBe('The file has a row of 30 columns; at most 20 are allowed');
  });
});

describe('XLSX', () => {
  it('refuses a row of 2500 columns', async () => {
    const path = await writeXlsx(dir.path('wide.xlsx'), (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['a', 'b']);
      ws.addRow(Array.from({ length: 2500 }, (_, i) => i));
    });
    const error = await readError(path);
    expect(error).toMatchObject({ httpStatus: 400, code: 'too_many_columns' });
    expect(error.message).toBe('The file has a row of 2500 columns; at most 2000 are allowed');
  });

  it('does not count cells that are only formatted', async () => {
    const path = await writeXlsx(dir.path('styled.xlsx'), (wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['a', 'b']);
      const row = ws.addRow([1, 2]);
      row.getCell(5000).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFF0000' } };
    });
    expect(await collect(readRows(path, { format: 'xlsx' }))).toEqual([['a', 'b'], [1, 2]]);
  });
});

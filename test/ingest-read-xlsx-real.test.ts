// readRows on workbooks saved by office programs (test/fixtures/xlsx, see its README): every value as the file holds it.

import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from './support/read-rows.ts';
import type { Cell } from '../src/ingest/types.ts';
import { collect, makeTempDir, storedZip, type TempDir, zipTexts } from './support/ingest-files.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/xlsx/${name}`, import.meta.url));
const readXlsx = (path: string, sheet?: string) => collect(readRows(path, { format: 'xlsx', sheet }));
const utc = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0) =>
  new Date(Date.UTC(year, month - 1, day, hour, minute, second));

let dir: TempDir;
beforeAll(async () => (dir = await makeTempDir()));
afterAll(() => dir.remove());

/** A copy of a fixture with some of its parts edited, as another writer could have laid it out. */
async function editedFixture(name: string, edit: (parts: Record<string, string>) => Record<string, string>): Promise<string> {
  return dir.write(`edited-${name}`, storedZip(edit(await zipTexts(fixture(name)))));
}

/** Replaces text that must be there: an edit that no longer applies fails instead of testing nothing. */
function replaced(text: string, from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

/**
 * libreoffice-orders.fods as saved by LibreOffice and by Gnumeric. LibreOffice saves a boolean formula result as 1
 * or 0 in a TRUE/FALSE number format, Gnumeric as a boolean.
 */
function orders(bigOrder: [Cell, Cell]): Cell[][] {
  return [
    ['Orders – März 2024'],
    ['Code', 'Customer', 'Qty', 'Price', 'Ordered on', 'Shipped at', 'Paid', 'Total', 'Big order', 'Label', 'Due on', 'Ratio', 'Note', 'Check'],
    ['00042', 'Café Müller', 3, 12.5, utc(2024, 2, 29), utc(2024, 3, 1, 14, 30), true, 37.5, bigOrder[0], '00042-Café Müller',
      utc(2024, 3, 30), 0.125, 'Call before noon', null],
    ['00100', 'Straße 中文 😀', -7, 0.1, utc(1999, 12, 31), utc(2000, 1, 1, 0, 0, 5), false, -0.7, bigOrder[1], '00100-Straße 中文 😀',
      null, 1, '  two spaces before, AT&T <ok>', 1],
  ];
}
const column = (rows: Cell[][], index: number) => rows.slice(2).map((row) => row[index]);

describe('LibreOffice Calc 7.4 (shared strings)', () => {
  let rows: Cell[][];
  beforeAll(async () => (rows = await readXlsx(fixture('libreoffice-orders.xlsx'))));

  it('reads the title row, the headings and the data rows, leaving out the empty row between them', () => {
    expect(rows.map((row) => row[0])).toEqual(['Orders – März 2024', 'Code', '00042', '00100']);
    expect(rows[1]).toEqual(orders([1, 0])[1]);
  });

  it('reads text with leading zeros as text, and numbers, decimals, percentages and booleans as typed', () => {
    for (const index of [0, 2, 3, 6, 11]) expect(column(rows, index)).toEqual(column(orders([1, 0]), index));
  });

  it('reads date and date-time cells as the UTC dates they show', () => {
    expect(column(rows, 4)).toEqual([utc(2024, 2, 29), utc(1999, 12, 31)]);
    expect(column(rows, 5)).toEqual([utc(2024, 3, 1, 14, 30), utc(2000, 1, 1, 0, 0, 5)]);
  });

  it('reads formulas as their cached results, a zero as zero, a date result as a date and an error as empty', () => {
    expect(column(rows, 7)).toEqual([37.5, -0.7]);
    expect(column(rows, 8)).toEqual([1, 0]);
    expect(column(rows, 9)).toEqual(['00042-Café Müller', '00100-Straße 中文 😀']);
    expect(column(rows, 10)).toEqual([utc(2024, 3, 30), null]);
    expect(column(rows, 13)).toEqual([null, 1]);
  });

  it('joins the runs of a rich-text shared string', () => {
    expect(rows[2][12]).toBe('Call before noon');
  });

  it('reads non-ASCII text, markup characters and leading spaces as they are', () => {
    expect(column(rows, 1)).toEqual(['Café Müller', 'Straße 中文 😀']);
    expect(rows[3][12]).toBe('  two spaces before, AT&T <ok>');
  });

  it('reads every cell of the sheet as the file holds it', () => {
    expect(rows).toEqual(orders([1, 0]));
  });

  it('reads the second sheet by its name: a line break kept, an escaped "_x" as the text it stands for', async () => {
    expect(await readXlsx(fixture('libreoffice-orders.xlsx'), 'notizen')).toEqual([
      ['Key', 'Wert'], ['région', 'Île-de-France'], ['Zeilen', 'eins\nzwei'], ['Code', 'A_x0041_B'],
    ]);
  });
});

describe('Gnumeric 1.12 (inline strings in indented XML)', () => {
  let rows: Cell[][];
  beforeAll(async () => (rows = await readXlsx(fixture('gnumeric-orders.xlsx'))));

  it('reads inline strings without the indentation around them', () => {
    expect(rows[0]).toEqual(['Orders – März 2024']);
    expect(rows[1]).toEqual(orders([true, false])[1]);
    expect(column(rows, 0)).toEqual(['00042', '00100']);
  });

  it('joins the runs of a rich-text inline string, the last of them empty', () => {
    expect(rows[2][12]).toBe('Call before noon');
  });

  it('reads a boolean formula result as a boolean, false included', () => {
    expect(column(rows, 8)).toEqual([true, false]);
  });

  it('reads every cell of the sheet as the file holds it', () => {
    expect(rows).toEqual(orders([true, false]));
  });

  it('reads the second sheet by its name, "_x0041_" written unescaped being the format\'s escape for "A"', async () => {
    expect(await readXlsx(fixture('gnumeric-orders.xlsx'), 'Notizen')).toEqual([
      ['Key', 'Wert'], ['région', 'Île-de-France'], ['Zeilen', 'eins\nzwei'], ['Code', 'AAB'],
    ]);
  });
});

describe('openpyxl 3.0 (absolute part names, inline strings)', () => {
  const people = () => fixture('openpyxl-people.xlsx');

  it('reads the first visible sheet with rows, past an empty sheet and a hidden one', async () => {
    expect((await readXlsx(people()))[0]).toEqual(['id', 'name', 'zip', 'joined', 'last seen', 'active', 'score', 'double', 'note']);
  });

  it('reads each sheet by its name, hidden or not, and an empty one as no rows', async () => {
    expect(await readXlsx(people(), 'extra')).toEqual([['key', 'value'], ['Größe', 0]]);
    expect(await readXlsx(people(), ' Lookup ')).toEqual([['hidden', 1]]);
    expect(await readXlsx(people(), 'Cover')).toEqual([]);
  });

  it('refuses a sheet name the workbook does not have', async () => {
    await expect(readXlsx(people(), 'Orders')).rejects.toMatchObject({ httpStatus: 400, code: 'sheet_not_found' });
  });

  it('reads every cell as the file holds it: a formula saved without a result as empty, gaps as null', async () => {
    expect((await readXlsx(people())).slice(1)).toEqual([
      [1, 'Zoë Ångström', '00501', utc(2024, 2, 29), utc(2024, 3, 1, 14, 30), true, 12.5, null, 'Tom &amp; Jerry'],
      [2, '李小龍 🐉', '01234', utc(1999, 12, 31), utc(2000, 1, 1, 0, 0, 5), false, -0.25, null, '  a < b & c > d  '],
      [3, null, '007', null, null, false],
    ]);
  });

  it('reads ISO 8601 date cells (iso_dates) as dates', async () => {
    expect(await readXlsx(fixture('openpyxl-iso-dates.xlsx'))).toEqual([
      ['day', 'moment'], [utc(2024, 2, 29), utc(2024, 3, 1, 14, 30, 15)], [utc(1900, 3, 1), utc(1999, 12, 31, 23, 59, 59)],
    ]);
  });

  it('reads the dates of a workbook on the 1904 date system', async () => {
    expect(await readXlsx(fixture('openpyxl-1904.xlsx'))).toEqual([
      ['day', 'moment'], [utc(2024, 2, 29), utc(2024, 3, 1, 14, 30, 15)], [utc(1904, 1, 2), utc(1999, 12, 31, 23, 59, 59)],
    ]);
  });
});

describe('long text in characters of three and four bytes', () => {
  const expected = [['n', 'text'], ...Array.from({ length: 70 }, (_, i) => [i + 1, `${i + 1} ${'東京😀'.repeat(100)}`])];

  it('keeps every character of a shared strings part unpacked in several pieces (LibreOffice)', async () => {
    expect(await readXlsx(fixture('libreoffice-many-strings.xlsx'))).toEqual(expected);
  });

  it('keeps every character of a sheet of inline strings unpacked in several pieces (Gnumeric)', async () => {
    expect(await readXlsx(fixture('gnumeric-many-strings.xlsx'))).toEqual(expected);
  });
});

describe('layouts of other writers, made by editing the fixtures', () => {
  it('reads a workbook whose relationships name every part by its absolute path', async () => {
    const path = await editedFixture('libreoffice-orders.xlsx', (parts) => ({
      ...parts,
      'xl/_rels/workbook.xml.rels': parts['xl/_rels/workbook.xml.rels'].replace(/Target="/g, 'Target="/xl/'),
    }));
    expect(await readXlsx(path)).toEqual(orders([1, 0]));
    expect((await readXlsx(path, 'Notizen'))[1]).toEqual(['région', 'Île-de-France']);
  });

  it('finds parts under whatever names and folders the relationships give, in any letter case', async () => {
    const path = await editedFixture('libreoffice-orders.xlsx', (parts) => {
      const { 'xl/workbook.xml': workbook, 'xl/_rels/workbook.xml.rels': rels, 'xl/sharedStrings.xml': strings,
        'xl/worksheets/sheet1.xml': ordersSheet, 'xl/worksheets/sheet2.xml': notesSheet, ...rest } = parts;
      let relationships = replaced(rels, 'Target="sharedStrings.xml"', 'Target="text/SHAREDSTRINGS.XML"');
      relationships = replaced(relationships, 'Target="worksheets/sheet1.xml"', 'Target="./tabs/../tabs/orders.xml"');
      relationships = replaced(relationships, 'Target="worksheets/sheet2.xml"', 'Target="/notes.xml"');
      return {
        ...rest,
        '_rels/.rels': replaced(parts['_rels/.rels'], 'Target="xl/workbook.xml"', 'Target="/book/main.xml"'),
        'book/main.xml': workbook,
        'book/_rels/main.xml.rels': relationships.replace('Target="styles.xml"', 'Target="../xl/styles.xml"'),
        'book/text/sharedStrings.xml': strings,
        'book/tabs/orders.xml': ordersSheet,
        'notes.xml': notesSheet,
      };
    });
    expect(await readXlsx(path)).toEqual(orders([1, 0]));
    expect((await readXlsx(path, 'Notizen'))[1]).toEqual(['région', 'Île-de-France']);
  });

  it('reads the sheets in the order the workbook lists them, not the order of their parts', async () => {
    const path = await editedFixture('libreoffice-orders.xlsx', (parts) => ({
      ...parts,
      'xl/workbook.xml': replaced(parts['xl/workbook.xml'],
        '<sheet name="Orders" sheetId="1" state="visible" r:id="rId2"/><sheet name="Notizen" sheetId="2" state="visible" r:id="rId3"/>',
        '<sheet name="Notizen" sheetId="2" state="visible" r:id="rId3"/><sheet name="Orders" sheetId="1" state="visible" r:id="rId2"/>'),
    }));
    expect((await readXlsx(path))[0]).toEqual(['Key', 'Wert']);
  });

  it('leaves out the phonetic reading of a shared string and of an inline string (as Japanese Excel writes them)', async () => {
    const reading = '<rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1" type="noConversion"/>';
    const shared = await editedFixture('libreoffice-orders.xlsx', (parts) => ({
      ...parts,
      'xl/sharedStrings.xml': replaced(parts['xl/sharedStrings.xml'], '<si><t xml:space="preserve">région</t></si>',
        `<si><r><t>東</t></r><r><t>京</t></r>${reading}</si>`),
    }));
    expect((await readXlsx(shared, 'Notizen'))[1]).toEqual(['東京', 'Île-de-France']);
    const inline = await editedFixture('openpyxl-people.xlsx', (parts) => ({
      ...parts,
      'xl/worksheets/sheet3.xml': replaced(parts['xl/worksheets/sheet3.xml'], '<is><t>Zo&#235; &#197;ngstr&#246;m</t></is>',
        `<is><t>東京</t>${reading}</is>`),
    }));
    expect((await readXlsx(inline))[1][1]).toBe('東京');
  });
});

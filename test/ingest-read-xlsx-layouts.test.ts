// readRows on workbooks laid out as the format allows but the fixtures' writers do not: prefixed element names, cells
// and rows without references, markup around values, parts cut short or too large to hold, zips with bytes past their
// end or a part packed in an unusual way; and the worksheet scan whatever pieces its text comes in.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRows } from './support/read-rows.ts';
import type { Cell } from '../src/ingest/types.ts';
import { readWorkbookPackage } from '../src/ingest/xlsx/xlsx-package.ts';
import { sheetRowBatches } from '../src/ingest/xlsx/xlsx-sheet-scanner.ts';
import { MAX_WHOLE_PART_CHARS, openSharedStrings, readDateStyles } from '../src/ingest/xlsx/xlsx-workbook.ts';
import type { ZipArchive } from '../src/ingest/zip/zip-archive.ts';
import { partText } from '../src/ingest/zip/zip-part-text.ts';
import { collect, makeTempDir, storedZip, type TempDir, withZip, writeXlsx, zipTexts } from './support/ingest-files.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/xlsx/${name}`, import.meta.url));
const readXlsx = (path: string, sheet?: string) => collect(readRows(path, { format: 'xlsx', sheet }));
const utc = (year: number, month: number, day: number, hour = 0, minute = 0) => new Date(Date.UTC(year, month - 1, day, hour, minute));

let dir: TempDir;
beforeAll(async () => (dir = await makeTempDir()));
afterAll(() => dir.remove());

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/**
 * A workbook of one sheet written by hand: `sheetData` is the sheet's <sheetData> content, `styles` the cellXfs
 * content of the styles part (left out when not given).
 */
async function handWorkbook(
  name: string, sheetData: string, options: { styles?: string; numFmts?: string; dxfs?: string; workbookPr?: string; sharedStrings?: string[] } = {},
): Promise<string> {
  const parts: Record<string, string> = {
    'xl/workbook.xml': `<workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}">${options.workbookPr ?? ''}<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    'xl/_rels/workbook.xml.rels': '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + `<Relationship Id="rId1" Type="${RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>`
      + `<Relationship Id="rId2" Type="${RELATIONSHIPS}/styles" Target="styles.xml"/>`
      + `<Relationship Id="rId3" Type="${RELATIONSHIPS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
    'xl/worksheets/sheet1.xml': `<worksheet xmlns="${MAIN}"><sheetData>${sheetData}</sheetData></worksheet>`,
  };
  if (options.sharedStrings) {
    parts['xl/sharedStrings.xml'] = `<sst xmlns="${MAIN}">${options.sharedStrings.map((text) => `<si><t xml:space="preserve">${text}</t></si>`).join('')}</sst>`;
  }
  if (options.styles !== undefined) {
    parts['xl/styles.xml'] = `<styleSheet xmlns="${MAIN}"><numFmts>${options.numFmts ?? ''}</numFmts><cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>`
      + `<cellXfs>${options.styles}</cellXfs><dxfs>${options.dxfs ?? ''}</dxfs></styleSheet>`;
  }
  return dir.write(name, storedZip(parts));
}

/** Every element of the XML under the prefix x:, its namespace bound to that prefix rather than made the default. */
const prefixed = (xml: string) => xml
  .replace(/<(\/?)([A-Za-z][\w.-]*)(?=[\s/>])/g, '<$1x:$2')
  .replace(/\sxmlns="/, ' xmlns:x="');

describe('prefixed element names', () => {
  it('reads a workbook whose every part names its elements x:…, as some generators write them', async () => {
    const parts = await zipTexts(fixture('libreoffice-orders.xlsx'));
    const edited = { ...parts };
    for (const name of ['xl/workbook.xml', 'xl/styles.xml', 'xl/sharedStrings.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet2.xml']) {
      edited[name] = prefixed(parts[name]);
      expect(edited[name]).toContain('<x:');
    }
    const path = await dir.write('prefixed.xlsx', storedZip(edited));
    expect(await readXlsx(path)).toEqual(await readXlsx(fixture('libreoffice-orders.xlsx')));
    expect(await readXlsx(path, 'Notizen')).toEqual(await readXlsx(fixture('libreoffice-orders.xlsx'), 'Notizen'));
  });
});

describe('cells and rows without references', () => {
  it('places a cell without r after the cell before it, and a row without r after the row before it', async () => {
    const path = await handWorkbook('no-refs.xlsx', [
      '<row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>',
      '<row r="3"><c r="B3"><v>1</v></c><c><v>2</v></c><c r="E3"><v>5</v></c><c><v>6</v></c></row>',
      '<row><c r="C9"><v>3</v></c><c r="A9"><v>1</v></c><c><v>2</v></c></row>',
    ].join(''));
    expect(await readXlsx(path)).toEqual([['a', 'b'], [null, 1, 2, null, 5, 6], [1, 2, 3]]);
  });

  it('skips a row whose only shared string is white space, and reads an index past the strings as no value', async () => {
    const path = await handWorkbook('blank-strings.xlsx', [
      '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
      '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c></row>',
      '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="s"><v>7</v></c></row>',
    ].join(''), { sharedStrings: ['  ', '', 'x'] });
    expect(await readXlsx(path)).toEqual([['', 'x'], ['x']]);
  });

  it('lets a later cell of the same column replace the earlier one, but not a later empty one', async () => {
    const path = await handWorkbook('same-column.xlsx', '<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c><c r="B1"><v>3</v></c><c r="B1"/></row>');
    expect(await readXlsx(path)).toEqual([[2, 3]]);
  });

  it('counts an error cell in the row\'s width and a cell with an empty value not', async () => {
    const path = await handWorkbook('widths.xlsx', '<row r="1"><c r="A1"><v>1</v></c><c r="C1" t="e"><v>#N/A</v></c><c r="E1"><v></v></c><c r="F1" t="str"><v/></c></row>');
    expect(await readXlsx(path)).toEqual([[1, null, null]]);
  });

  it('refuses a row whose far-right reference passes the limit, naming its full width', async () => {
    const path = await handWorkbook('far-right.xlsx', '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c><c r="ZZ1"><v>3</v></c></row>');
    await expect(readXlsx(path)).rejects.toMatchObject({ code: 'too_many_columns', message: 'The file has a row of 16384 columns; at most 2000 are allowed' });
    // A cell far to the right that is only formatted does not count.
    const formatted = await handWorkbook('far-right-formatted.xlsx', '<row r="1"><c r="A1"><v>1</v></c><c r="XFD1" s="0"/></row>');
    expect(await readXlsx(formatted)).toEqual([[1]]);
  });
});

describe('markup around values', () => {
  it('reads CDATA, entities decoded once, comments, processing instructions, white space between elements and a \'>\' in an attribute', async () => {
    const path = await handWorkbook('markup.xlsx', [
      '<row r="1">\n  <!-- a comment with <c> in it -->\n',
      '  <c r="A1" t="inlineStr">\n    <is>\n      <t><![CDATA[a < b & <c>]]></t>\n    </is>\n  </c>\n',
      '  <c r="B1" t="str"><f>"x"</f><v>&amp;amp; &#x41;&#66;</v></c><?pi ignored?>\n',
      "  <c r='C1' t='inlineStr'><is><r><rPr><b/></rPr><t xml:space=\"preserve\">one </t></r><r><t>two</t></r></is></c>\n",
      '  <c r="D1" t="inlineStr"><is><t>line\r\nend_x000D_</t></is></c>\n',
      '  <c r="E1" x:note="a > b" t="n"><v>5</v></c>\n',
      '</row>',
    ].join(''));
    expect(await readXlsx(path)).toEqual([['a < b & <c>', '&amp; AB', 'one two', 'line\nend\r', 5]]);
  });

  it('reads booleans written as 1 and 0 or as words, and numbers in a date format as dates', async () => {
    const path = await handWorkbook('typed.xlsx', [
      '<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="b"><v>true</v></c><c r="D1" t="b"><v>FALSE</v></c></row>',
      '<row r="2"><c r="A2" s="1"><v>45351.5</v></c><c r="B2" s="2"><v>45351</v></c><c r="C2" s="3"><v>45351</v></c><c r="D2"><v>7</v></c></row>',
    ].join(''), {
      numFmts: '<numFmt numFmtId="164" formatCode="DD.MM.YYYY"/><numFmt numFmtId="165" formatCode="0\\ &quot;days&quot;"/>',
      styles: '<xf numFmtId="0"/><xf numFmtId="22"/><xf numFmtId="164"/><xf numFmtId="165"/>',
    });
    expect(await readXlsx(path)).toEqual([[true, false, true, false], [utc(2024, 2, 29, 12), utc(2024, 2, 29), 45351, 7]]);
  });

  it('takes number formats from the styles\' own list, not from a conditional format\'s', async () => {
    const path = await handWorkbook('dxf.xlsx', '<row r="1"><c r="A1" s="1"><v>45351</v></c></row>', {
      numFmts: '<numFmt numFmtId="164" formatCode="0.00"/>',
      styles: '<xf numFmtId="0"/><xf numFmtId="164"/>',
      dxfs: '<dxf><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></dxf>',
    });
    expect(await readXlsx(path)).toEqual([[45351]]);
  });

  it('gives a cell without s the first cell format, a date format included', async () => {
    const path = await handWorkbook('first-format.xlsx', '<row r="1"><c r="A1"><v>45351</v></c><c r="B1" s="1"><v>2</v></c></row>', {
      styles: '<xf numFmtId="14"/><xf numFmtId="0"/>', workbookPr: '<workbookPr date1904="true"/>',
    });
    expect(await readXlsx(path)).toEqual([[utc(2028, 3, 1), 2]]);
  });
});

describe('parts cut short', () => {
  it('refuses a worksheet whose XML ends inside its cells', async () => {
    const path = await handWorkbook('cut.xlsx', '<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>');
    const parts = await zipTexts(path);
    const sheet = parts['xl/worksheets/sheet1.xml'];
    const cut = await dir.write('cut-short.xlsx', storedZip({ ...parts, 'xl/worksheets/sheet1.xml': sheet.slice(0, sheet.indexOf('<row r="2">') + 12) }));
    await expect(readXlsx(cut)).rejects.toMatchObject({ httpStatus: 400, code: 'file_unreadable', message: 'The XLSX file is damaged: a part of it is not valid XML' });
  });
});

describe('zips read strictly', () => {
  const sheet = '<row r="1"><c r="A1"><v>1</v></c></row>';

  it('refuses a workbook with bytes after the end of its zip directory, as damaged', async () => {
    const path = await handWorkbook('trailing.xlsx', sheet);
    expect(await readXlsx(path)).toEqual([[1]]);
    const padded = await dir.write('trailing-padded.xlsx', Buffer.concat([await readFile(path), Buffer.alloc(16)]));
    await expect(readXlsx(padded)).rejects.toMatchObject({
      httpStatus: 400, code: 'file_unreadable', message: 'The XLSX file is damaged: it has bytes after the end of its zip directory',
    });
  });

  it('refuses a part packed by a method other than stored or deflated, naming it', async () => {
    const bytes = await readFile(await handWorkbook('method.xlsx', sheet));
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    // The method in the part's directory record (offset 10 of the record, whose name starts at offset 46).
    const record = bytes.indexOf(name, bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), bytes.lastIndexOf(name))) - 46;
    expect(bytes.readUInt32LE(record)).toBe(0x02014b50);
    bytes.writeUInt16LE(14, record + 10);
    await expect(readXlsx(await dir.write('method-lzma.xlsx', bytes))).rejects.toMatchObject({
      httpStatus: 400, code: 'file_unreadable',
      message: 'The XLSX file could not be read: its part "xl/worksheets/sheet1.xml" is packed in a way zip readers rarely support (compression method: 14)',
    });
  });
});

describe('the worksheet scan', () => {
  /** Every worksheet part of a fixture opened, and its shared strings and date formats. */
  async function partsOf(archive: ZipArchive, path: string) {
    const found = (await readWorkbookPackage(archive))!;
    const texts = await zipTexts(path);
    return { archive, found, texts: [...found.worksheets.values()].map((entry) => texts[entry.name]), dateStyles: await readDateStyles(archive, found.styles, () => {}) };
  }

  /** The rows of the text given in pieces of `size`, its shared strings read as the rows need them. */
  async function scanned({ archive, found, dateStyles }: Awaited<ReturnType<typeof partsOf>>, text: string, size: number): Promise<Cell[][]> {
    const sharedStrings = openSharedStrings(archive, found.sharedStrings, () => {});
    async function* pieces() {
      for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
    }
    try {
      const context = { sharedStrings: sharedStrings.strings, loadSharedStrings: sharedStrings.loadUpTo, dateStyles, date1904: false, maxColumns: 2000 };
      const rows: Cell[][] = [];
      for await (const batch of sheetRowBatches(pieces(), context)) rows.push(...batch.rows);
      return rows;
    } finally {
      await sharedStrings.close();
    }
  }

  it('gives the same rows whatever size of pieces the text comes in', async () => {
    for (const name of ['gnumeric-orders.xlsx', 'libreoffice-orders.xlsx', 'openpyxl-people.xlsx', 'libreoffice-many-strings.xlsx']) {
      await withZip(fixture(name), async (archive) => {
        const parts = await partsOf(archive, fixture(name));
        let rows = 0;
        for (const text of parts.texts) {
          const whole = await scanned(parts, text, text.length);
          rows += whole.length;
          for (const size of [1, 2, 3, 5, 7, 13, 64, 1000]) expect(await scanned(parts, text, size)).toEqual(whole);
        }
        expect(rows).toBeGreaterThan(4);
      });
    }
  });

  it('reads the shared strings only as far as the rows read so far need them', async () => {
    const path = await writeXlsx(dir.path('many-strings.xlsx'), (wb) => {
      const ws = wb.addWorksheet('S');
      for (let i = 0; i < 20_000; i++) ws.addRow([`distinct text number ${i}`]);
    });
    await withZip(path, async (archive) => {
      const found = (await readWorkbookPackage(archive))!;
      const sharedStrings = openSharedStrings(archive, found.sharedStrings, () => {});
      const context = { sharedStrings: sharedStrings.strings, loadSharedStrings: sharedStrings.loadUpTo, dateStyles: [], date1904: false, maxColumns: 2000 };
      const sheet = partText(archive, [...found.worksheets.values()][0], () => {});
      try {
        const first = await sheetRowBatches(sheet, context).next();
        expect(first.value?.rows[0]).toEqual(['distinct text number 0']);
        expect(sharedStrings.strings.length).toBeGreaterThan(0);
        expect(sharedStrings.strings.length).toBeLessThan(10_000);
      } finally {
        await sheet.return(undefined);
        await sharedStrings.close();
      }
    });
    expect(await readXlsx(path).then((rows) => rows.at(-1))).toEqual(['distinct text number 19999']);
  });
});

describe('parts read whole', () => {
  it('refuses a styles part larger than any workbook has, rather than hold it', async () => {
    const filler = `<!--${' '.repeat(MAX_WHOLE_PART_CHARS)}-->`;
    const path = await handWorkbook('bloated-styles.xlsx', '<row r="1"><c r="A1"><v>1</v></c></row>', { styles: `<xf numFmtId="0"/>${filler}` });
    await expect(readXlsx(path)).rejects.toMatchObject({
      httpStatus: 400, code: 'file_too_large', message: 'The XLSX file\'s part "xl/styles.xml" is larger than 64 MiB, more than any workbook\'s',
    });
    // The same workbook with the styles it needs reads.
    const plain = await handWorkbook('plain-styles.xlsx', '<row r="1"><c r="A1"><v>1</v></c></row>', { styles: '<xf numFmtId="0"/>' });
    expect(await readXlsx(plain)).toEqual([[1]]);
  });
});

// rewriteElements hands each element to its rewrite whole and passes the rest on as it came, however the text is cut.

import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { rewriteElements } from '../src/ingest/xlsx/xml-elements.ts';
import { zipTexts } from './support/ingest-files.ts';

const MARK_OPEN = '\u00ab';
const MARK_CLOSE = '\u00bb';

async function rewritten(text: string, chunkSize: number, name = 'c'): Promise<string> {
  async function* chunks() {
    for (let at = 0; at < text.length; at += chunkSize) yield text.slice(at, at + chunkSize);
  }
  let out = '';
  for await (const piece of rewriteElements(chunks(), name, (element) => `${MARK_OPEN}${element}${MARK_CLOSE}`)) out += piece;
  return out;
}

/** Gnumeric's first sheet: indented, with inline rich text; and cells no writer here makes, with a '>' in an attribute. */
let sheet: string;
beforeAll(async () => {
  const parts = await zipTexts(fileURLToPath(new URL('./fixtures/xlsx/gnumeric-orders.xlsx', import.meta.url)));
  sheet = parts['xl/worksheets/sheet1.xml'].replace('</sheetData>',
    '<row r="9"><c r="A9" s="1"/><c r="B9" x:note="a > b"><v>1</v></c><c r="C9" t="str"><f>"&lt;c&gt;"</f><v>&lt;c&gt;</v></c></row></sheetData>');
});

it('marks every cell of a sheet, and nothing else', async () => {
  const out = await rewritten(sheet, sheet.length);
  expect(out.replaceAll(MARK_OPEN, '').replaceAll(MARK_CLOSE, '')).toBe(sheet);
  const marked = [...out.matchAll(/\u00ab([^\u00bb]*)\u00bb/g)].map((m) => m[1]);
  expect(marked).toHaveLength([...sheet.matchAll(/<c[\s/>]/g)].length);
  for (const element of marked) expect(element).toMatch(/^<c[\s/>][\s\S]*(<\/c>|\/>)$/);
  expect(marked.slice(-3)).toEqual(['<c r="A9" s="1"/>', '<c r="B9" x:note="a > b"><v>1</v></c>', '<c r="C9" t="str"><f>"&lt;c&gt;"</f><v>&lt;c&gt;</v></c>']);
});

it('gives the same text whatever size of chunks it comes in', async () => {
  const whole = await rewritten(sheet, sheet.length);
  for (const size of [1, 2, 3, 4, 5, 7, 16, 61, 1000]) expect(await rewritten(sheet, size)).toBe(whole);
});

it('passes on an element cut off by the end of the text as it is', async () => {
  expect(await rewritten('<row><c r="A1"><v>1</v></c><c r="B1"><v>2', 3)).toBe(`<row>${MARK_OPEN}<c r="A1"><v>1</v></c>${MARK_CLOSE}<c r="B1"><v>2`);
});

it('holds an element of many chunks whole', async () => {
  // Joining the chunks anew for each one would run into the test's timeout.
  const long = `<sst><si><t>${'x'.repeat(8 * 1024 * 1024)}</t></si></sst>`;
  expect(await rewritten(long, 16 * 1024, 'si')).toBe(`<sst>${MARK_OPEN}${long.slice(5, -6)}${MARK_CLOSE}</sst>`);
});

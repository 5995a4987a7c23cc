// readRows decodes and parses CSV files as sniffed: encodings, delimiters, quoting, line endings, blank lines.

import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readRows } from './support/read-rows.ts';
import { sniffFile } from '../src/ingest/sniff.ts';
import { collect, makeTempDir, type TempDir } from './support/ingest-files.ts';

let dir: TempDir;
beforeAll(async () => (dir = await makeTempDir()));
afterAll(() => dir.remove());

async function rowsOf(name: string, content: string | Uint8Array) {
  const path = await dir.write(name, content);
  return collect(readRows(path, await sniffFile(path)));
}

it('drops a UTF-8 byte order mark from the first heading', async () => {
  const rows = await rowsOf('bom.csv', '\uFEFFname,city\nRenée,Zürich\n');
  expect(rows).toEqual([['name', 'city'], ['Renée', 'Zürich']]);
});

it('reads UTF-8 without a byte order mark', async () => {
  expect(await rowsOf('plain.csv', 'name,city\nJosé,São Paulo\n')).toEqual([['name', 'city'], ['José', 'São Paulo']]);
});

it('decodes UTF-16 LE with a byte order mark', async () => {
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('name\tcity\nRenée\tZürich €\n', 'utf-16le')]);
  expect(await rowsOf('utf16.csv', bytes)).toEqual([['name', 'city'], ['Renée', 'Zürich €']]);
});

it('decodes Windows-1252 bytes', async () => {
  const bytes = iconv.encode('Name;Stadt\nCafé;Müller\nŒuvre;€5\n', 'windows-1252');
  expect(await rowsOf('cp1252.csv', bytes)).toEqual([['Name', 'Stadt'], ['Café', 'Müller'], ['Œuvre', '€5']]);
});

it('splits on semicolons, tabs and pipes as sniffed', async () => {
  expect(await rowsOf('semi.csv', 'a;b;c\n1;2;3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
  expect(await rowsOf('tab.tsv', 'a\tb\tc\n1\t\t3\n')).toEqual([['a', 'b', 'c'], ['1', '', '3']]);
  expect(await rowsOf('pipe.csv', 'a|b\n1|2\n')).toEqual([['a', 'b'], ['1', '2']]);
});

it('keeps delimiters, doubled quotes and line breaks inside quoted fields', async () => {
  const rows = await rowsOf('quoted.csv', 'name,note\n"Smith, J","said ""hi""\nthen left"\n"",plain\n');
  expect(rows).toEqual([['name', 'note'], ['Smith, J', 'said "hi"\nthen left'], ['', 'plain']]);
});

it('reads CRLF line endings without leaving carriage returns in cells', async () => {
  const rows = await rowsOf('crlf.csv', 'a,b\r\n1,2\r\n"x\r\ny",3\r\n');
  expect(rows).toEqual([['a', 'b'], ['1', '2'], ['x\r\ny', '3']]);
});

it('skips blank lines and lines of empty cells, keeps rows with any value', async () => {
  const rows = await rowsOf('blanks.csv', 'a,b\n\n1,2\n,\n  ,  \n\n,3\n\n');
  expect(rows).toEqual([['a', 'b'], ['1', '2'], ['', '3']]);
});

it('reads a last line without a line break', async () => {
  expect(await rowsOf('no-eol.csv', 'a,b\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
});

it('reads a file of many pieces as papaparse reads the whole text at once', async () => {
  // Fields that cross the boundaries of the reader's pieces (bytes) and of the slices of text it parses at a time:
  // quoted line breaks and delimiters, escaped quotes, CRLF cut in two, characters of two to four UTF-8 bytes cut
  // between their bytes (or their UTF-16 halves), and a quoted field longer than a piece.
  let seed = 11;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  const words = ['plain', 'Zoë', '東京', '😀 smile', 'a "quote"', 'x,y', 'two\r\nlines', 'lf\nonly', '', ' padded '];
  const field = () => {
    const text = words[random(words.length)].repeat(1 + random(3));
    return /[",\r\n]/.test(text) || random(4) === 0 ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = ['id,a,b,c'];
  for (let i = 1; i <= 6000; i++) lines.push(`${i},${field()},${field()},${field()}`);
  lines.splice(3000, 0, `long,"${'a ""b"", 東京😀\r\n'.repeat(8000)}",,`);
  const text = `${lines.join('\r\n')}\r\n`;
  const expected = Papa.parse<string[]>(text, { delimiter: ',', newline: '\r\n' }).data.filter((row) => row.some((cell) => cell !== ''));
  expect(Buffer.byteLength(text)).toBeGreaterThan(4 * 64 * 1024);
  expect(await rowsOf('pieces.csv', text)).toEqual(expected);
});

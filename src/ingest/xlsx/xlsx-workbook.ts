// Reads what every worksheet of a workbook needs: the sheet list, the date system, which cell formats are dates, and
// the shared strings.

import { AppError } from '../../errors.ts';
import { SharedStrings } from './shared-strings.ts';
import { sharedStringText } from './xlsx-text.ts';
import { rewriteElements } from './xml-elements.ts';
import { decodeEntities } from './xml-text.ts';
import type { ZipArchive, ZipEntry } from '../zip/zip-archive.ts';
import { describeBytes } from '../zip/zip-limits.ts';
import { partText } from '../zip/zip-part-text.ts';

/** A sheet as the workbook part lists it. */
export interface SheetEntry {
  name: string;
  /** The relationship id its part is found by. */
  rId: string;
  state?: string;
}

export interface WorkbookInfo {
  sheets: SheetEntry[];
  date1904: boolean;
}

// Element names may carry a prefix (x:sheet) where the writer binds the namespace to one.
const SHEET = /<(?:[\w.-]+:)?sheet(?=[\s/>])((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g;
const WORKBOOK_PROPERTIES = /<(?:[\w.-]+:)?workbookPr(?=[\s/>])((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/;
const WORKBOOK = /<(?:[\w.-]+:)?workbook[\s>]/;
const CELL_FORMATS = /<(?:[\w.-]+:)?cellXfs(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?cellXfs\s*>/;
const CELL_FORMAT = /<(?:[\w.-]+:)?xf(?=[\s/>])((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g;
const NUMBER_FORMATS = /<(?:[\w.-]+:)?numFmts(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?numFmts\s*>/;
const NUMBER_FORMAT = /<(?:[\w.-]+:)?numFmt(?=[\s/>])((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const SHARED_STRINGS_ROOT = /<([\w.-]+:)?sst[\s>]/;

/** A start tag's attributes by name, their entities decoded. */
function attributesOf(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const [, name, double, single] of text.matchAll(ATTRIBUTE)) attributes.set(name, decodeEntities(double ?? single));
  return attributes;
}

/** xsd:boolean, as the format's attributes are. */
const isTrue = (value: string | undefined) => value === '1' || value === 'true';

/**
 * The most text of a part read whole. The workbook part and the styles of real workbooks are kilobytes, the styles
 * of a workbook bloated by copied formats some megabytes; a part beyond this is no workbook's, and held whole it
 * would cost that much memory.
 */
export const MAX_WHOLE_PART_CHARS = 64 * 1024 * 1024;

/** The whole text of a small part: the workbook part and the styles are read whole. */
async function wholeText(archive: ZipArchive, entry: ZipEntry, unpacked: (bytes: number) => void): Promise<string> {
  let text = '';
  for await (const chunk of partText(archive, entry, unpacked)) {
    text += chunk;
    if (text.length > MAX_WHOLE_PART_CHARS) {
      throw new AppError(400, 'file_too_large', `The XLSX file's part "${entry.name}" is larger than ${describeBytes(MAX_WHOLE_PART_CHARS)}, more than any workbook's`);
    }
  }
  return text;
}

/** The sheets in the workbook's order, and its date system; null for a part that is not a workbook. */
export async function readWorkbookInfo(archive: ZipArchive, entry: ZipEntry, unpacked: (bytes: number) => void): Promise<WorkbookInfo | null> {
  const text = await wholeText(archive, entry, unpacked);
  if (!WORKBOOK.test(text)) return null;
  const sheets: SheetEntry[] = [];
  for (const [, attributeText] of text.matchAll(SHEET)) {
    const attributes = attributesOf(attributeText);
    // The relationship attribute is r:id in the relationships namespace, whatever prefix the writer gave it.
    const rId = [...attributes].find(([name]) => name.endsWith(':id'))?.[1];
    const name = attributes.get('name');
    if (rId === undefined || name === undefined) continue;
    sheets.push({ name, rId, state: attributes.get('state') });
  }
  const properties = WORKBOOK_PROPERTIES.exec(text);
  return { sheets, date1904: properties ? isTrue(attributesOf(properties[1]).get('date1904')) : false };
}

/** The built-in number formats that are dates and times: days, months and years (14-17, 22), times (18-21, 45-47). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/**
 * Whether a format code shows a number as a date or time: it has day, month, year, hour or second parts outside
 * quoted text, escaped characters and brackets ([Red], [$-409]; [h] for elapsed hours keeps its other parts).
 */
function isDateFormat(code: string): boolean {
  const parts = code.replace(/\\./g, '').replace(/"[^"]*"/g, '').replace(/\[[^\]]*]/g, '');
  return /[ymdhsb]/i.test(parts);
}

/** By cell format (the index a cell's s gives), whether it shows numbers as dates. */
export async function readDateStyles(archive: ZipArchive, entry: ZipEntry | undefined, unpacked: (bytes: number) => void): Promise<boolean[]> {
  if (!entry) return [];
  const text = await wholeText(archive, entry, unpacked);
  const custom = new Map<number, string>();
  // Only the part's own list: a conditional format (dxf) carries number formats of its own.
  for (const [, attributeText] of (NUMBER_FORMATS.exec(text)?.[1] ?? '').matchAll(NUMBER_FORMAT)) {
    const attributes = attributesOf(attributeText);
    const id = Number(attributes.get('numFmtId'));
    const code = attributes.get('formatCode');
    if (Number.isInteger(id) && code !== undefined) custom.set(id, code);
  }
  const formats = CELL_FORMATS.exec(text)?.[1] ?? '';
  const dates: boolean[] = [];
  for (const [, attributeText] of formats.matchAll(CELL_FORMAT)) {
    const id = Number(attributesOf(attributeText).get('numFmtId') ?? 0);
    const code = custom.get(id);
    dates.push(code !== undefined ? isDateFormat(code) : BUILT_IN_DATE_FORMATS.has(id));
  }
  return dates;
}

/** A workbook's shared strings, read as far as the sheets being read need them. */
export interface SharedStringsPart {
  strings: SharedStrings;
  /** Reads on until the string of this index is in, or the part ends. */
  loadUpTo(index: number): Promise<void>;
  /** Stops reading the part; the strings read so far stay. */
  close(): Promise<void>;
}

/**
 * The shared strings, packed (kept as one string each, a sheet of mostly distinct text would take most of the
 * memory reading it takes), and read only as far as asked: the top of a file needs a few of them.
 */
export function openSharedStrings(archive: ZipArchive, entry: ZipEntry | undefined, unpacked: (bytes: number) => void): SharedStringsPart {
  const strings = new SharedStrings();
  if (!entry) return { strings, loadUpTo: async () => {}, close: async () => {} };
  strings.complete = false;
  const text = partText(archive, entry, unpacked);
  async function* withPrefix(): AsyncGenerator<string> {
    const first = await text.next();
    if (first.done) return;
    // The string element's name carries the root's prefix, if any: found in the first piece.
    const prefix = SHARED_STRINGS_ROOT.exec(first.value)?.[1] ?? '';
    yield* rewriteElements((async function* () {
      yield first.value;
      yield* text;
    })(), `${prefix}si`, (element) => { strings.add(sharedStringText(element)); return ''; });
  }
  // One step for each piece of the part's text.
  const steps = withPrefix();
  return {
    strings,
    async loadUpTo(index) {
      while (!strings.complete && strings.length <= index) {
        if ((await steps.next()).done) strings.seal();
      }
    },
    async close() {
      try {
        await steps.return(undefined);
        await text.return(undefined);
      } finally {
        strings.close();
      }
    },
  };
}

// Rewrites a sheet's cells into the plain form exceljs's streaming reader reads right, and reads the shared strings'
// text as exceljs would have had to.

import { isCalendarDate } from './iso-date.ts';
import { rewriteElements } from './xml-elements.ts';
import { decodeEntities, escapeText } from './xml-text.ts';

/*
 * exceljs 4.4's streaming reader, given the XML that office programs write:
 * - keeps only the last <t> of an inline string, as each <t> starts the value anew, and lets a phonetic reading
 *   (<rPh>, written by Japanese Excel) replace the text it annotates;
 * - adds the white space between a cell's elements to the cell's value (Gnumeric indents its XML);
 * - drops a formula's cached result when it is 0, false or '', and reads a boolean one (t="b") as 1 or 0;
 * - decodes entities twice in inline and formula strings, so a cell holding '&amp;' reads as '&';
 * - reads an ISO 8601 date cell (t="d", openpyxl's iso_dates) as a number made of its year;
 * - leaves the format's _xHHHH_ escapes in the text.
 * Each <c> therefore reaches it as <c …><v>value</v></c> or <c …><is><t>text</t></is></c>, its formula left out (only
 * its cached result is wanted). Plain cells, most of them, pass as they are. The shared strings are read here
 * (sharedStringText), with the same care for runs, phonetic readings and escapes.
 */

const CELL_OPEN = /^<c((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
/** A cell exceljs reads right as it is: one non-empty value, or one inline <t>, with no entity to decode twice. */
const PLAIN_CELL_BODY = /^(?:<v>[^<&]+<\/v>|<is><t(?:\s+xml:space="preserve")?>[^<&]*<\/t><\/is>)?$/;
const ISO_DATE_TYPE = /\st\s*=\s*["']d["']/;
const SLASH = 0x2f;
const TOKEN = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([^\s/>]+)(?:"[^"]*"|'[^']*'|[^'">])*?(\/?)>|([^<]+)/g;
const ESCAPE = /_x([0-9A-Fa-f]{4})_/g;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?Z?)?$/;
const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;
const DAY_MS = 86_400_000;
/** Days from Excel's day 0 (1899-12-30 in its reckoning) to 1970-01-01, and from the 1900 to the 1904 date system. */
const UNIX_EPOCH_SERIAL = 25569;
const DAYS_1900_TO_1904 = 1462;

/** The characters an XML document can hold; a control character outside them cannot be passed on in one. */
const xmlCanHold = (code: number) => code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code < 0xd800) || (code >= 0xe000 && code <= 0xfffd);

/** _xHHHH_ stands for a character (Excel writes a literal '_x' as '_x005F_x'); one XML cannot hold stays escaped. */
function decodeEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(ESCAPE, (whole, hex: string) => {
    const code = parseInt(hex, 16);
    return xmlCanHold(code) ? String.fromCharCode(code) : whole;
  });
}

/** exceljs decodes inline and formula strings once more after the XML parser; an '&' doubled here comes out single. */
const escapeTextTwice = (text: string) => escapeText(text.replace(/&/g, '&amp;'));

/**
 * The text of a fragment's <v> and, joined, of its <t> elements (the runs of a rich string), leaving out phonetic
 * readings and formulas. Undefined for an element the fragment does not have.
 */
function fragmentTexts(fragment: string): { v?: string; t?: string } {
  const open: string[] = [];
  let v: string | undefined;
  let t: string | undefined;
  // How deep the element whose text is left out starts; 0 outside one.
  let skippedFrom = 0;
  for (const [, cdata, closing, name, selfClosing, raw] of fragment.matchAll(TOKEN)) {
    if (name !== undefined) {
      if (closing) {
        open.pop();
        if (open.length < skippedFrom) skippedFrom = 0;
      } else if (!selfClosing) {
        open.push(name);
        if (skippedFrom === 0 && (name === 'rPh' || name === 'f')) skippedFrom = open.length;
      }
      continue;
    }
    if (skippedFrom > 0) continue;
    const content = cdata ?? (raw === undefined ? undefined : decodeEntities(normalizeLineEnds(raw)));
    if (content === undefined) continue;
    const inside = open.at(-1);
    if (inside === 'v') v = (v ?? '') + content;
    else if (inside === 't') t = (t ?? '') + content;
  }
  return { v, t };
}

function isoDateSerial(text: string, date1904: boolean): number | undefined {
  let ms: number;
  const date = ISO_DATE.exec(text);
  if (date) {
    const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = ''] = date;
    if (!isCalendarDate(+year, +month, +day) || +hour > 23 || +minute > 59 || +second > 59) return undefined;
    const moment = new Date(Date.UTC(2000, +month - 1, +day, +hour, +minute, +second, fraction ? Math.round(Number(fraction) * 1000) : 0));
    // Date.UTC maps years 0-99 onto 1900-1999; setUTCFullYear does not.
    moment.setUTCFullYear(+year);
    ms = moment.getTime();
  } else {
    const time = ISO_TIME.exec(text);
    if (!time) return undefined;
    const [, hour, minute, second = '0', fraction = ''] = time;
    if (+hour > 23 || +minute > 59 || +second > 59) return undefined;
    // A time alone is a fraction of day 0, as Excel keeps it.
    return ((+hour * 60 + +minute) * 60 + +second + (fraction ? Number(fraction) : 0)) / 86_400;
  }
  return ms / DAY_MS + UNIX_EPOCH_SERIAL - (date1904 ? DAYS_1900_TO_1904 : 0);
}

function withoutTypeAttribute(attributes: string): string {
  let kept = '';
  for (const [whole, name] of attributes.matchAll(ATTRIBUTE)) if (name !== 't') kept += ` ${whole}`;
  return kept;
}

function cellType(attributes: string): string | undefined {
  for (const [, name, double, single] of attributes.matchAll(ATTRIBUTE)) if (name === 't') return double ?? single;
  return undefined;
}

/** One <c> element in the form exceljs reads right (see the top of this file). */
export function plainCell(element: string, date1904: boolean): string {
  // The common cell costs a few string searches: a '>' in a quoted value, or text that looks like t="d", only
  // sends it the slow way.
  const startTagEnd = element.indexOf('>');
  if (element.charCodeAt(startTagEnd - 1) === SLASH) return element;
  if (PLAIN_CELL_BODY.test(element.slice(startTagEnd + 1, -'</c>'.length)) && !element.includes('_x') && !ISO_DATE_TYPE.test(element)) return element;

  const open = CELL_OPEN.exec(element);
  if (!open || open[2]) return element;
  const attributes = open[1];
  const body = element.slice(open[0].length, element.length - '</c>'.length);
  const type = cellType(attributes);

  const { v, t } = fragmentTexts(body);
  // Some writers put an inline string in <v>.
  const value = type === 'inlineStr' ? t ?? v : v;
  if (!value) return `<c${attributes}/>`;
  switch (type) {
    case 'inlineStr':
      return `<c${attributes}><is><t>${escapeTextTwice(decodeEscapes(value))}</t></is></c>`;
    case 'str':
      return `<c${attributes}><v>${escapeTextTwice(decodeEscapes(value))}</v></c>`;
    case 'd': {
      // A number in the cell's own date format: exceljs makes a date of it.
      const serial = isoDateSerial(value.trim(), date1904);
      return serial === undefined ? `<c${withoutTypeAttribute(attributes)}/>` : `<c${withoutTypeAttribute(attributes)}><v>${serial}</v></c>`;
    }
    default:
      return `<c${attributes}><v>${escapeText(value)}</v></c>`;
  }
}

/** An XML parser reads a line end written as CR LF, or a lone CR, as LF (an escaped &#13; stays a CR). */
const normalizeLineEnds = (raw: string) => (raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw);

const PLAIN_SHARED_STRING_TEXT = /^<si><t(?:\s+xml:space="preserve")?>([^<]*)<\/t><\/si>$/;

/** The text of one <si> element of the shared strings: its runs joined, its phonetic readings left out. */
export function sharedStringText(element: string): string {
  if (element.endsWith('/>') && !element.includes('</si>')) return '';
  const plain = PLAIN_SHARED_STRING_TEXT.exec(element);
  const text = plain ? decodeEntities(normalizeLineEnds(plain[1])) : fragmentTexts(element).t ?? '';
  return decodeEscapes(text);
}

/** A worksheet part's text with every cell made plain. */
export const plainCells = (chunks: AsyncIterable<string>, date1904: boolean) => rewriteElements(chunks, 'c', (cell) => plainCell(cell, date1904));

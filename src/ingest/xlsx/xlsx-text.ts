// The text of a workbook's strings as the format means it: runs joined, phonetic readings left out, _xHHHH_ escapes
// and line ends read as XML readers and Excel read them; and ISO 8601 date cells as the serial numbers Excel makes of them.

import { isCalendarDate } from '../validate/iso-date.ts';
import { serialOf } from './xlsx-cell-value.ts';
import { decodeEntities } from './xml-text.ts';

const TOKEN = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([^\s/>]+)(?:"[^"]*"|'[^']*'|[^'">])*?(\/?)>|([^<]+)/g;
const ESCAPE = /_x([0-9A-Fa-f]{4})_/g;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?Z?)?$/;
const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;

/** The characters an XML document can hold; a control character outside them cannot be passed on in one. */
const xmlCanHold = (code: number) => code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code < 0xd800) || (code >= 0xe000 && code <= 0xfffd);

/** _xHHHH_ stands for a character (Excel writes a literal '_x' as '_x005F_x'); one XML cannot hold stays escaped. */
export function decodeEscapes(text: string): string {
  if (!text.includes('_x')) return text;
  return text.replace(ESCAPE, (whole, hex: string) => {
    const code = parseInt(hex, 16);
    return xmlCanHold(code) ? String.fromCharCode(code) : whole;
  });
}

/** The text of a fragment's <t> elements joined (the runs of a rich string), leaving out phonetic readings. */
function runsText(fragment: string): string {
  const open: string[] = [];
  let text = '';
  // How deep the element whose text is left out starts; 0 outside one.
  let skippedFrom = 0;
  for (const [, cdata, closing, name, selfClosing, raw] of fragment.matchAll(TOKEN)) {
    if (name !== undefined) {
      if (closing) {
        open.pop();
        if (open.length < skippedFrom) skippedFrom = 0;
      } else if (!selfClosing) {
        // Compared by local name: x:t is a t.
        const local = name.slice(name.indexOf(':') + 1);
        open.push(local);
        if (skippedFrom === 0 && local === 'rPh') skippedFrom = open.length;
      }
      continue;
    }
    if (skippedFrom > 0 || open.at(-1) !== 't') continue;
    const content = cdata ?? (raw === undefined ? undefined : decodeEntities(normalizeLineEnds(raw)));
    if (content !== undefined) text += content;
  }
  return text;
}

/** The serial number of an ISO 8601 date, date-time or time, on the workbook's date system; undefined for other text. */
export function isoDateSerial(text: string, date1904: boolean): number | undefined {
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
  return serialOf(ms, date1904);
}

/** An XML parser reads a line end written as CR LF, or a lone CR, as LF (an escaped &#13; stays a CR). */
export const normalizeLineEnds = (raw: string) => (raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw);

const PLAIN_SHARED_STRING_TEXT = /^<si><t(?:\s+xml:space="preserve")?>([^<]*)<\/t><\/si>$/;

/** The text of one <si> element of the shared strings: its runs joined, its phonetic readings left out. */
export function sharedStringText(element: string): string {
  if (element.endsWith('/>') && !element.includes('</si>')) return '';
  const plain = PLAIN_SHARED_STRING_TEXT.exec(element);
  const text = plain ? decodeEntities(normalizeLineEnds(plain[1])) : runsText(element);
  return decodeEscapes(text);
}

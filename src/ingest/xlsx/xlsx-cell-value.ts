// What a cell's attributes and value text mean: its type, column and format, and a number or date from its value.

import type { Cell } from '../types.ts';

// A cell's type, as its t attribute gives it; a number without one.
export const NUMBER = 0;
export const SHARED = 1;
export const STR = 2;
export const INLINE = 3;
export const BOOLEAN = 4;
export const ERROR = 5;
export const ISO_DATE = 6;

const DOLLAR = 0x24;

const DAY_MS = 86_400_000;
/** Days from Excel's day 0 (1899-12-30 in its reckoning) to 1970-01-01, and from the 1900 to the 1904 date system. */
const UNIX_EPOCH_SERIAL = 25569;
const DAYS_1900_TO_1904 = 1462;

/** A moment (ms since 1970) as the serial number of days a cell holds, on the workbook's date system. */
export const serialOf = (ms: number, date1904: boolean) => ms / DAY_MS + UNIX_EPOCH_SERIAL - (date1904 ? DAYS_1900_TO_1904 : 0);

/** t="…" by its length and letters, without making a string of it. */
export function cellType(text: string, from: number, to: number): number {
  const length = to - from;
  const first = text.charCodeAt(from);
  if (length === 1) {
    switch (first) {
      case 0x73: return SHARED; // s
      case 0x62: return BOOLEAN; // b
      case 0x65: return ERROR; // e
      case 0x64: return ISO_DATE; // d
      default: return NUMBER;
    }
  }
  if (length === 3 && text.startsWith('str', from)) return STR;
  if (length === 9 && text.startsWith('inlineStr', from)) return INLINE;
  return NUMBER;
}

/** The column of a reference such as "B7" or "$B$7", counted from 1; 0 when it names none. */
export function referenceColumn(text: string, from: number, to: number): number {
  let at = from;
  if (text.charCodeAt(at) === DOLLAR) at++;
  let column = 0;
  for (; at < to; at++) {
    const code = text.charCodeAt(at) | 0x20;
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + code - 0x60;
  }
  return column;
}

/** The cell format an s attribute names; -1 for none. */
export function styleIndex(text: string, from: number, to: number): number {
  let index = 0;
  for (let at = from; at < to; at++) {
    const digit = text.charCodeAt(at) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    index = index * 10 + digit;
  }
  return from === to ? -1 : index;
}

/** '1' and '0' as the format writes them; the words, as some writers do. */
export function booleanValue(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '1') return true;
  if (trimmed === '0') return false;
  const lower = trimmed.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  const number = parseFloat(trimmed);
  return Number.isNaN(number) || number !== 0;
}

/** A number as the cell shows it: a date on the workbook's date system in a date format; not finite, no value. */
export function numberCell(serial: number, isDate: boolean, date1904: boolean): Cell {
  if (!isDate) return Number.isFinite(serial) ? serial : null;
  const date = new Date(Math.round((serial - UNIX_EPOCH_SERIAL + (date1904 ? DAYS_1900_TO_1904 : 0)) * DAY_MS));
  return Number.isNaN(date.getTime()) ? null : date;
}

// ISO 8601 dates as the webhook carries them: parsing text strictly and formatting Date cells.

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** A Date as the receiver should see it: a plain day when it falls on UTC midnight (how XLSX stores dates), else an instant. */
export function formatDate(date: Date): string {
  const iso = date.toISOString();
  return date.getTime() % DAY_MS === 0 ? iso.slice(0, 10) : iso;
}

/** The number the ASCII digits of text[from, to) spell, or -1 for any other character there. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** 'YYYY-MM-DD' read without a regular expression: it is most date cells, and each match would allocate. */
function plainDay(text: string): string | null | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  if (year < 0 || month < 0 || day < 0) return undefined;
  return isCalendarDate(year, month, day) ? text : null;
}

/** 'YYYY-MM-DD' or an ISO date-time with a zone, normalized; null when the text is neither or not a real moment. */
export function parseIsoDate(text: string): string | null {
  const plain = plainDay(text);
  if (plain !== undefined) return plain;

  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, year, month, day, hour, minute, second = '0', fraction = '', zone] = m;
  if (!isCalendarDate(+year, +month, +day) || +hour > 23 || +minute > 59 || +second > 59) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const offsetHours = +zone.slice(1, 3);
    const offsetMins = +zone.slice(4, 6);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // Date.UTC maps years 0-99 onto 1900-1999; setUTCFullYear does not.
  const utc = new Date(Date.UTC(2000, +month - 1, +day, +hour, +minute, +second, fraction ? Math.floor(Number(fraction) * 1000) : 0));
  utc.setUTCFullYear(+year);
  return new Date(utc.getTime() - offsetMinutes * 60_000).toISOString();
}

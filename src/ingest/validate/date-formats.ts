// Dates written in a template's own formats ('DD/MM/YYYY', 'M-D-YY HH:mm'), read into the ISO 8601 the webhook carries.

import { AppError } from '../../errors.ts';
import { isCalendarDate } from './iso-date.ts';

type Part = 'year' | 'shortYear' | 'month' | 'day' | 'hour' | 'minute' | 'second';

/** Longer tokens first, so 'YYYY' is never read as two 'YY'. */
const TOKENS: readonly (readonly [token: string, part: Part, digits: string])[] = [
  ['YYYY', 'year', '\\d{4}'],
  ['YY', 'shortYear', '\\d{2}'],
  ['MM', 'month', '\\d{2}'],
  ['M', 'month', '\\d{1,2}'],
  ['DD', 'day', '\\d{2}'],
  ['D', 'day', '\\d{1,2}'],
  ['HH', 'hour', '\\d{2}'],
  ['H', 'hour', '\\d{1,2}'],
  ['mm', 'minute', '\\d{2}'],
  ['ss', 'second', '\\d{2}'],
];
export const DATE_FORMAT_TOKENS = TOKENS.map(([token]) => token);

/** Reads one text; null when it is not in the format or not a real date. */
export type DateFormatReader = (text: string) => string | null;

interface CompiledFormat {
  pattern: RegExp;
  /** The part each capture group holds, in order. */
  parts: Part[];
}

/** POSIX's pivot for two-digit years: 69-99 are the 1900s, 00-68 the 2000s. */
const fullYear = (shortYear: number) => (shortYear >= 69 ? 1900 + shortYear : 2000 + shortYear);

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** The format as a regex, or what is wrong with it. */
function compile(format: string): CompiledFormat | string {
  let source = '^';
  const parts: Part[] = [];
  for (let i = 0; i < format.length;) {
    const found = TOKENS.find(([token]) => format.startsWith(token, i));
    if (found) {
      const [token, part, digits] = found;
      const year = part === 'year' || part === 'shortYear';
      if (parts.includes(part) || (year && (parts.includes('year') || parts.includes('shortYear')))) return `"${token}" repeats a part already in the format`;
      parts.push(part);
      source += `(${digits})`;
      i += token.length;
      continue;
    }
    const char = format[i];
    // A letter that is no token is most often a token in the wrong case ('dd/mm/yyyy'); 'T' is the ISO separator.
    if (/[A-Za-z]/.test(char) && char !== 'T') return `"${char}" is not a token (tokens: ${DATE_FORMAT_TOKENS.join(', ')}; the case matters)`;
    source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i++;
  }
  if (!parts.includes('month') || !parts.includes('day') || !(parts.includes('year') || parts.includes('shortYear'))) {
    return 'a format needs a year (YYYY or YY), a month (MM or M) and a day (DD or D)';
  }
  if (parts.includes('minute') && !parts.includes('hour')) return 'minutes (mm) need hours (HH or H)';
  if (parts.includes('second') && !parts.includes('minute')) return 'seconds (ss) need minutes (mm)';
  return { pattern: new RegExp(`${source}$`), parts };
}

/** What is wrong with a format, or null when it can be used. */
export function dateFormatProblem(format: string): string | null {
  const compiled = compile(format);
  return typeof compiled === 'string' ? compiled : null;
}

/**
 * Compiled once per template. A time of day is read as UTC, as XLSX date cells are: a spreadsheet
 * carries no time zone, and the receiver then sees one form of date-time whatever the file format.
 */
export function compileDateFormat(format: string): DateFormatReader {
  const compiled = compile(format);
  if (typeof compiled === 'string') throw new AppError(400, 'invalid_template', `Date format "${format}": ${compiled}`);
  const { pattern, parts } = compiled;
  const hasTime = parts.includes('hour');
  return (text) => {
    const m = pattern.exec(text);
    if (!m) return null;
    let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    for (let i = 0; i < parts.length; i++) {
      const value = +m[i + 1];
      switch (parts[i]) {
        case 'year': year = value; break;
        case 'shortYear': year = fullYear(value); break;
        case 'month': month = value; break;
        case 'day': day = value; break;
        case 'hour': hour = value; break;
        case 'minute': minute = value; break;
        case 'second': second = value; break;
      }
    }
    if (!isCalendarDate(year, month, day)) return null;
    const date = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
    if (!hasTime) return date;
    if (hour > 23 || minute > 59 || second > 59) return null;
    return `${date}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.000Z`;
  };
}

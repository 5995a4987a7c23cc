// An upload's records as CSV for a person to fix in Excel: streamed a block at a time, never the whole upload in memory.
import Papa from 'papaparse';
import type { Column } from '../../domain/column.ts';
import type { Db } from '../../store/db.ts';
import { blockRecords, recordBlockNumbers, type RecordFilter, type StoredRecord } from '../../store/records-queries.ts';
import { toCell } from './record-check.ts';

/** Excel reads a CSV as UTF-8 only when it starts with this mark. */
const BOM = '\uFEFF';
const NEWLINE = '\r\n';

/**
 * The text cells Excel or LibreOffice would run as a formula: those starting with = or @ (or a tab or carriage return
 * before one), and with + or - unless the rest is a number or a phone number (digits, spaces, dots, commas,
 * parentheses), which stay as they are. Papa Parse puts a ' before each, and Excel shows the text; numbers are never
 * touched.
 */
const FORMULA = /^(?:[=@\t\r]|[+-](?![\d\s.,()]*$))/;

/** `Row` (the row as the spreadsheet shows it), the template's column names, then `Errors`; a block of rows at a time. */
export async function* recordsCsv(db: Db, uploadId: string, columns: Column[], filter: RecordFilter): AsyncGenerator<string> {
  yield BOM + Papa.unparse([['Row', ...columns.map((c) => c.name), 'Errors']], { newline: NEWLINE }) + NEWLINE;
  const names = new Map(columns.map((c) => [c.key, c.name]));
  for (const block of await recordBlockNumbers(db, uploadId, filter)) {
    const records = await blockRecords(db, uploadId, block, filter);
    if (records.length === 0) continue;
    yield Papa.unparse(records.map((r) => line(r, columns, names)), { newline: NEWLINE, escapeFormulae: FORMULA }) + NEWLINE;
  }
}

/** A record's cells: numbers and booleans as they are (never taken for a formula), texts as text. */
function line(record: StoredRecord, columns: Column[], names: Map<string, string>): (string | number | boolean)[] {
  const errors = Object.entries(record.errors ?? {}).map(([key, message]) => `${names.get(key) ?? key}: ${message}`).join('; ');
  return [record.sheetRow ?? '', ...columns.map((c) => {
    const cell = toCell(record.data[c.key], c);
    return cell instanceof Date ? cell.toISOString() : cell ?? '';
  }), errors];
}

/** The file name a download of these records gets: the upload's name without its extension, then what it holds. */
export function recordsCsvName(fileName: string | null, filter: RecordFilter): string {
  const base = (fileName ?? 'upload').replace(/\.[^./\\]*$/, '') || 'upload';
  return `${base}-${filter === 'all' ? 'all' : filter}-rows.csv`;
}

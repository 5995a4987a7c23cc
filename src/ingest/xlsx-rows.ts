// Streams the rows of one worksheet of an XLSX file through exceljs's streaming reader.

import ExcelJS from 'exceljs';
import { AppError } from '../errors.ts';
import { DEFAULT_MAX_COLUMNS, isBlankRow, tooManyColumns } from './row-checks.ts';
import type { Cell } from './types.ts';
import { rowCells } from './xlsx-cell.ts';
import { isSystemError } from './system-error.ts';
import { readZipDirectory, type ZipEntry } from './zip-directory.ts';
import { describeXlsxFailure, openZipInput, readableAlone } from './zip-input.ts';
import { checkZipSizes, DEFAULT_MAX_UNCOMPRESSED_BYTES } from './zip-limits.ts';

export interface XlsxLimits {
  /** A row with a value further right than this fails with too_many_columns. */
  maxColumns?: number;
  /** What the file's parts may unpack to in all; more fails with file_too_large. */
  maxUncompressedBytes?: number;
}

/** What exceljs's WorksheetReader has at run time beyond its type declarations. */
interface SheetReader extends AsyncIterable<ExcelJS.Row> {
  name: string;
  state?: string;
}

/** The workbook-wide parts a worksheet needs, as exceljs's WorkbookReader keeps them on itself. */
interface WorkbookParts {
  sharedStrings?: unknown[];
  workbookRels?: unknown[];
  model?: unknown;
  properties?: { model?: { date1904?: boolean } };
  styles?: unknown;
}

const unreadable = (problem: string) => new AppError(400, 'file_unreadable', `The XLSX file ${problem}`);



/**
 * Writers put sheets before the shared strings (Excel and exceljs both do), and exceljs then
 * unpacks every sheet into a temp file until it has them, files that outlive an early stop or a
 * failure. Reading the file twice avoids that: this first pass keeps the workbook-wide parts, and
 * skips the sheets without unpacking them where the zip directory says where they are (else it
 * drains them unparsed, a fraction of the cost of parsing them).
 */
async function readWorkbookParts(path: string, entries: readonly ZipEntry[], maxUncompressedBytes: number): Promise<WorkbookParts> {
  const parts = entries.filter((e) => !isSheet(e));
  const input = openZipInput(path, { maxUncompressedBytes }, readableAlone(parts) ? parts : undefined);
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(input.stream, {
      worksheets: 'ignore',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    });
    // Present from the start, so exceljs drains each sheet instead of setting it aside; an
    // empty model stands in until the workbook part, which often comes last, replaces it.
    Object.assign(reader, { sharedStrings: [], workbookRels: [], model: { sheets: [] } });
    await input.race((async () => {
      for await (const _ of reader);
    })());
    return reader as unknown as WorkbookParts;
  } finally {
    input.close();
  }
}

/** The worksheet parts, named as exceljs's reader recognises them. */
const isSheet = (entry: ZipEntry) => /xl\/worksheets\/sheet(\d+)[.]xml/.test(entry.name);

const isHidden = (sheet: SheetReader) => sheet.state === 'hidden' || sheet.state === 'veryHidden';
const sameSheetName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Rows of the named sheet, or of the first visible sheet with any; blank rows are left out. */
async function* sheetRows(
  path: string, entries: readonly ZipEntry[], parts: WorkbookParts, sheetName: string | undefined, maxColumns: number,
  maxUncompressedBytes: number,
): AsyncGenerator<Cell[]> {
  // The workbook-wide parts came from the first pass: only the sheets are needed now.
  const sheets = entries.filter(isSheet);
  const input = openZipInput(path, { maxUncompressedBytes }, readableAlone(sheets) ? sheets : undefined);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input.stream, {
    worksheets: 'emit',
    // Both come from the first pass; parsing them again would only replace them with copies.
    sharedStrings: 'ignore',
    styles: 'ignore',
    // In a streamed sheet the <hyperlinks> list comes after the cells, so caching links gains nothing: a link cell keeps its text.
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  Object.assign(reader, {
    sharedStrings: parts.sharedStrings ?? [],
    workbookRels: parts.workbookRels ?? [],
    model: parts.model,
    properties: parts.properties,
    // The number formats in the styles are what tell a date from a number.
    styles: parts.styles,
  });
  const date1904 = Boolean(parts.properties?.model?.date1904);
  const sheetReaders = reader[Symbol.asyncIterator]() as unknown as AsyncGenerator<SheetReader>;
  let sheetCount = 0;
  let chosen = false;
  try {
    for (let next = await input.race(sheetReaders.next()); !next.done; next = await input.race(sheetReaders.next())) {
      const sheet = next.value;
      sheetCount++;
      // exceljs drains a sheet left unread by itself.
      if (sheetName === undefined ? isHidden(sheet) : !sameSheetName(sheet.name, sheetName)) continue;
      const rows = sheet[Symbol.asyncIterator]();
      for (let row = await input.race(rows.next()); !row.done; row = await input.race(rows.next())) {
        // cellCount is cheap but counts cells that are only formatted; the last cell with a value is
        // what makes a row wide, and finding it costs a pass over the row, so only past the limit.
        if (row.value.cellCount > maxColumns) {
          const width = (row.value.values as unknown[]).length - 1;
          if (width > maxColumns) throw tooManyColumns(maxColumns, width);
        }
        const cells = rowCells(row.value, date1904);
        if (isBlankRow(cells)) continue;
        chosen = true;
        yield cells;
      }
      if (chosen || sheetName !== undefined) {
        chosen = true;
        break;
      }
    }
    if (sheetCount === 0) throw unreadable('is not an Excel workbook: it has no worksheets');
    if (!chosen && sheetName !== undefined) throw new AppError(400, 'sheet_not_found', `The workbook has no sheet named "${sheetName}"`);
  } finally {
    // Not awaited: after a failure exceljs may never settle, and once its input is gone nothing of it stays open.
    sheetReaders.return(undefined).catch(() => {});
    input.close();
  }
}

/**
 * Every failure rejects the iteration: a read error of the disk as it is, anything wrong with
 * the file's content as file_unreadable. Stopping early closes the file.
 */
export async function* xlsxRows(path: string, sheetName?: string, limits: XlsxLimits = {}): AsyncGenerator<Cell[]> {
  const maxColumns = limits.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const maxUncompressedBytes = limits.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  try {
    const entries = await readZipDirectory(path);
    if (!entries) throw unreadable('is incomplete or damaged: its zip directory is missing (was the upload cut short?)');
    checkZipSizes(entries, maxUncompressedBytes);
    const parts = await readWorkbookParts(path, entries, maxUncompressedBytes);
    // Set only by exceljs's parsing of xl/workbook.xml.
    if (!parts.properties) throw unreadable('is not an Excel workbook: it has no workbook part');
    yield* sheetRows(path, entries, parts, sheetName, maxColumns, maxUncompressedBytes);
  } catch (error) {
    if (isSystemError(error)) throw error;
    throw describeXlsxFailure(error);
  }
}

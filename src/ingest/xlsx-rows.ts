// Streams the rows of one worksheet of an XLSX file through exceljs's streaming reader.

import type ExcelJS from 'exceljs';
import { AppError } from '../errors.ts';
import { DEFAULT_MAX_COLUMNS, isBlankRow, tooManyColumns } from './row-checks.ts';
import type { Cell } from './types.ts';
import { rowCells } from './xlsx-cell.ts';
import { readWorkbookPackage, type WorkbookPackage } from './xlsx-package.ts';
import { SharedStrings } from './shared-strings.ts';
import { plainCells, sharedStringText } from './xlsx-plain-xml.ts';
import { rewriteElements } from './xml-elements.ts';
import { isSystemError } from './system-error.ts';
import { readZipDirectory } from './zip-directory.ts';
import { describeXlsxFailure, openZipInput, type ZipPart } from './zip-input.ts';
import { checkZipSizes, DEFAULT_MAX_UNCOMPRESSED_BYTES } from './zip-limits.ts';

export interface XlsxLimits {
  /** A row with a value further right than this fails with too_many_columns. */
  maxColumns?: number;
  /** What the file's parts may unpack to in all; more fails with file_too_large. */
  maxUncompressedBytes?: number;
}

/** A sheet as the workbook part lists it. */
interface SheetEntry {
  name: string;
  rId: string;
  state?: string;
}

/** The workbook-wide parts a worksheet needs, as exceljs's WorkbookReader keeps them on itself. */
interface WorkbookParts {
  sharedStrings?: unknown[];
  model?: { sheets?: SheetEntry[] };
  properties?: { model?: { date1904?: boolean } };
  styles?: unknown;
}

/**
 * The methods of exceljs's WorkbookReader that parse a part, replaced on one reader at a time so that the part's
 * XML reaches them in a form they read right (see xlsx-plain-xml).
 */
interface PartParsers {
  _parseSharedStrings(entry: AsyncIterable<string>): AsyncGenerator<unknown>;
  _parseWorksheet(iterator: AsyncIterable<string>, sheetNo: string): Generator<unknown>;
}

/** exceljs is loaded with the first workbook read: a service that is only given CSV files never holds it. */
let excel: Promise<typeof ExcelJS> | undefined;
const loadExcel = () => (excel ??= import('exceljs').then((m) => (m as { default?: typeof ExcelJS }).default ?? m));

const unreadable = (problem: string) => new AppError(400, 'file_unreadable', `The XLSX file ${problem}`);

/**
 * exceljs knows a part by its name only (xl/workbook.xml, xl/sharedStrings.xml, …), where most writers put it but
 * not all: the package's relationships say where. So each pass hands it a zip of just the parts it needs, under the
 * names it knows: this one the workbook-wide parts, whose workbook part lists the sheets, the next only the sheets
 * to read, so that no other sheet is unpacked. The shared strings are then known before any sheet streams, which
 * exceljs would otherwise unpack into temp files to wait for them (Excel writes them after the sheets).
 */
async function readWorkbookParts(path: string, found: WorkbookPackage, maxUncompressedBytes: number): Promise<WorkbookParts> {
  const parts: ZipPart[] = [{ entry: found.workbook, as: 'xl/workbook.xml' }];
  if (found.sharedStrings) parts.push({ entry: found.sharedStrings, as: 'xl/sharedStrings.xml' });
  if (found.styles) parts.push({ entry: found.styles, as: 'xl/styles.xml' });
  const input = openZipInput(path, parts, { maxUncompressedBytes });
  try {
    const { stream } = await loadExcel();
    const reader = new stream.xlsx.WorkbookReader(input.stream, {
      worksheets: 'ignore',
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      entries: 'ignore',
    });
    // The shared strings are read here, not by exceljs: it would keep each as a string of its own, which for a
    // sheet of mostly distinct text is most of the memory reading it takes.
    const sharedStrings = new SharedStrings();
    (reader as unknown as PartParsers)._parseSharedStrings = async function* (entry) {
      for await (const _ of rewriteElements(entry, 'si', (element) => { sharedStrings.add(sharedStringText(element)); return ''; }));
    };
    await input.race((async () => {
      for await (const _ of reader);
    })());
    return Object.assign(reader as unknown as WorkbookParts, { sharedStrings: found.sharedStrings ? sharedStrings.asArray() : undefined });
  } finally {
    input.close();
  }
}

const isHidden = (sheet: SheetEntry) => sheet.state === 'hidden' || sheet.state === 'veryHidden';
const sameSheetName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The sheets to read, in the workbook's order: the named one, or else every visible one, until one has rows. */
function sheetsToRead(found: WorkbookPackage, parts: WorkbookParts, sheetName: string | undefined): (SheetEntry & { entry: ZipPart['entry'] })[] {
  // Chart sheets and the like have relationships of other types: they hold no rows.
  const worksheets = (parts.model?.sheets ?? []).flatMap((sheet) => {
    const entry = found.worksheets.get(sheet.rId);
    return entry ? [{ ...sheet, entry }] : [];
  });
  if (worksheets.length === 0) throw unreadable('is not an Excel workbook: it has no worksheets');
  if (sheetName === undefined) return worksheets.filter((sheet) => !isHidden(sheet));
  const named = worksheets.find((sheet) => typeof sheet.name === 'string' && sameSheetName(sheet.name, sheetName));
  if (!named) throw new AppError(400, 'sheet_not_found', `The workbook has no sheet named "${sheetName}"`);
  return [named];
}

/** Rows of the first of these sheets that has any; blank rows are left out. */
async function* sheetRows(
  path: string, sheets: readonly { entry: ZipPart['entry'] }[], parts: WorkbookParts, maxColumns: number, maxUncompressedBytes: number,
): AsyncGenerator<Cell[]> {
  if (sheets.length === 0) return;
  const { stream } = await loadExcel();
  const input = openZipInput(path, sheets.map(({ entry }, i) => ({ entry, as: `xl/worksheets/sheet${i + 1}.xml` })), { maxUncompressedBytes });
  const reader = new stream.xlsx.WorkbookReader(input.stream, {
    worksheets: 'emit',
    // Both come from the first pass.
    sharedStrings: 'ignore',
    styles: 'ignore',
    // In a streamed sheet the <hyperlinks> list comes after the cells, so caching links gains nothing: a link cell keeps its text.
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  Object.assign(reader, {
    sharedStrings: parts.sharedStrings ?? [],
    // Present, so that exceljs streams each sheet rather than setting it aside; which sheet is which, their order says.
    workbookRels: [],
    properties: parts.properties,
    // The number formats in the styles are what tell a date from a number.
    styles: parts.styles,
  });
  const date1904 = Boolean(parts.properties?.model?.date1904);
  const parsers = reader as unknown as PartParsers;
  const parseWorksheet = parsers._parseWorksheet;
  parsers._parseWorksheet = function (iterator, sheetNo) {
    return parseWorksheet.call(this, plainCells(iterator, date1904), sheetNo);
  };
  // exceljs's WorksheetReaders, in the order of the parts: the order of the sheets given.
  const sheetReaders = reader[Symbol.asyncIterator]() as unknown as AsyncGenerator<AsyncIterable<ExcelJS.Row>>;
  try {
    for (let next = await input.race(sheetReaders.next()); !next.done; next = await input.race(sheetReaders.next())) {
      let hadRows = false;
      const rows = next.value[Symbol.asyncIterator]();
      for (let row = await input.race(rows.next()); !row.done; row = await input.race(rows.next())) {
        // cellCount is cheap but counts cells that are only formatted; the last cell with a value is
        // what makes a row wide, and finding it costs a pass over the row, so only past the limit.
        if (row.value.cellCount > maxColumns) {
          const width = (row.value.values as unknown[]).length - 1;
          if (width > maxColumns) throw tooManyColumns(maxColumns, width);
        }
        const cells = rowCells(row.value);
        if (isBlankRow(cells)) continue;
        hadRows = true;
        yield cells;
      }
      if (hadRows) break;
    }
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
    const found = await readWorkbookPackage(path, entries);
    if (!found) throw unreadable('is not an Excel workbook: it has no workbook part');
    const parts = await readWorkbookParts(path, found, maxUncompressedBytes);
    // Set only by exceljs's parsing of the workbook part.
    if (!parts.properties) throw unreadable('is not an Excel workbook: its workbook part is empty');
    yield* sheetRows(path, sheetsToRead(found, parts, sheetName), parts, maxColumns, maxUncompressedBytes);
  } catch (error) {
    if (isSystemError(error)) throw error;
    throw describeXlsxFailure(error);
  }
}

// Streams the rows of one worksheet of an XLSX file: its parts found through the package, its cells scanned as
// they are unpacked.

import { AppError } from '../../errors.ts';
import { DEFAULT_MAX_COLUMNS } from '../validate/row-checks.ts';
import { isSystemError } from '../system-error.ts';
import type { RowBatch } from '../types.ts';
import { readWorkbookPackage, type WorkbookPackage } from './xlsx-package.ts';
import { type SheetContext, sheetRowBatches } from './xlsx-sheet-scanner.ts';
import { openSharedStrings, readDateStyles, readWorkbookInfo, type SheetEntry } from './xlsx-workbook.ts';
import { openZipArchive, type ZipArchive, type ZipEntry } from '../zip/zip-archive.ts';
import { checkZipSizes, DEFAULT_MAX_UNCOMPRESSED_BYTES, unpackedCounter } from '../zip/zip-limits.ts';
import { partText } from '../zip/zip-part-text.ts';

export interface XlsxLimits {
  /** A row with a value further right than this fails with too_many_columns. */
  maxColumns?: number;
  /** What the file's parts may unpack to in all; more fails with file_too_large. */
  maxUncompressedBytes?: number;
}

const unreadable = (problem: string, cause?: unknown) => new AppError(400, 'file_unreadable', `The XLSX file ${problem}`, { cause });

const isHidden = (sheet: SheetEntry) => sheet.state === 'hidden' || sheet.state === 'veryHidden';
const sameSheetName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The workbook's worksheets in its order; chart sheets and the like have relationships of other types and hold no rows. */
function worksheetsOf(found: WorkbookPackage, sheets: readonly SheetEntry[]): (SheetEntry & { entry: ZipEntry })[] {
  const worksheets = sheets.flatMap((sheet) => {
    const entry = found.worksheets.get(sheet.rId);
    return entry ? [{ ...sheet, entry }] : [];
  });
  if (worksheets.length === 0) throw unreadable('is not an Excel workbook: it has no worksheets');
  return worksheets;
}

/** The visible worksheets' names, for a sheet name that is not there. */
const sheetList = (worksheets: readonly SheetEntry[]) =>
  worksheets.filter((sheet) => !isHidden(sheet)).map((sheet) => `"${sheet.name}"`).join(', ');

/** The sheets to read, in the workbook's order: the named one, or else every visible one, until one has rows. */
function sheetsToRead(worksheets: (SheetEntry & { entry: ZipEntry })[], sheetName: string | undefined): (SheetEntry & { entry: ZipEntry })[] {
  if (sheetName === undefined) return worksheets.filter((sheet) => !isHidden(sheet));
  const named = worksheets.find((sheet) => sameSheetName(sheet.name, sheetName));
  if (!named) {
    throw new AppError(400, 'sheet_not_found', `The workbook has no sheet named "${sheetName}"; its sheets are ${sheetList(worksheets)}`);
  }
  return [named];
}

/** A worksheet as the upload names it. */
export interface WorksheetName {
  name: string;
  hidden: boolean;
}

/** The workbook's worksheets, in its order, hidden ones flagged; the same failures as reading its rows. */
export async function listWorksheets(path: string, limits: XlsxLimits = {}): Promise<WorksheetName[]> {
  try {
    const archive = await openZipArchive(path);
    try {
      const { found, workbook } = await openWorkbook(archive, limits.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES);
      return worksheetsOf(found, workbook.sheets).map((sheet) => ({ name: sheet.name, hidden: isHidden(sheet) }));
    } finally {
      archive.close();
    }
  } catch (error) {
    if (isSystemError(error)) throw error;
    throw describeFailure(error);
  }
}

/** The workbook's parts and its sheet list, its sizes checked; `unpacked` counts on for what is read next. */
async function openWorkbook(archive: ZipArchive, maxUncompressedBytes: number) {
  checkZipSizes(archive.entries, maxUncompressedBytes);
  const found = await readWorkbookPackage(archive);
  if (!found) throw unreadable('is not an Excel workbook: it has no workbook part');
  // Each part unpacks to no more than the directory says; what is unpacked is counted too, as a part may be read twice.
  const unpacked = unpackedCounter(maxUncompressedBytes);
  const workbook = await readWorkbookInfo(archive, found.workbook, unpacked);
  if (!workbook) throw unreadable('is not an Excel workbook: its workbook part is empty');
  return { found, workbook, unpacked };
}

/** Any other failure, told as the file's: the zip layer's own are AppErrors already. */
function describeFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return unreadable(`could not be read: ${error instanceof Error ? error.message : String(error)}`, error);
}

/**
 * The rows of the sheet, in batches; blank rows are left out. Every failure rejects the iteration: a read error of
 * the disk as it is, anything wrong with the file's content as file_unreadable. Stopping early closes the file.
 */
export async function* xlsxRowBatches(path: string, sheetName?: string, limits: XlsxLimits = {}): AsyncGenerator<RowBatch> {
  const maxColumns = limits.maxColumns ?? DEFAULT_MAX_COLUMNS;
  const maxUncompressedBytes = limits.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  try {
    const archive = await openZipArchive(path);
    try {
      const { found, workbook, unpacked } = await openWorkbook(archive, maxUncompressedBytes);
      const sheets = sheetsToRead(worksheetsOf(found, workbook.sheets), sheetName);
      if (sheets.length === 0) return;
      const sharedStrings = openSharedStrings(archive, found.sharedStrings, unpacked);
      try {
        const context: SheetContext = {
          sharedStrings: sharedStrings.strings,
          loadSharedStrings: sharedStrings.loadUpTo,
          dateStyles: await readDateStyles(archive, found.styles, unpacked),
          date1904: workbook.date1904,
          maxColumns,
        };
        for (const { entry } of sheets) {
          let hadRows = false;
          for await (const batch of sheetRowBatches(partText(archive, entry, unpacked), context)) {
            hadRows = true;
            yield batch;
          }
          if (hadRows) break;
        }
      } finally {
        await sharedStrings.close();
      }
    } finally {
      archive.close();
    }
  } catch (error) {
    if (isSystemError(error)) throw error;
    throw describeFailure(error);
  }
}

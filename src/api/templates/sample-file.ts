// A template's sample file: its column names as headings and one row of plausible values, as CSV or XLSX.
import type ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { sampleValue } from '../../delivery/sample-chunk.ts';
import type { Column } from '../../domain/column.ts';

/** Rows below the heading that get a select column's drop-down: room for the rows a person types in by hand. */
export const DROPDOWN_ROWS = 5000;
/** Excel refuses a list written into the validation itself when it is longer than this. */
const MAX_INLINE_LIST = 255;
const LISTS_SHEET = 'Lists';

/** One example value of each column, as a cell of a sheet holds it: a multi-select's values joined by its delimiter. */
function exampleRow(columns: readonly Column[]): (string | number | boolean)[] {
  return columns.map((column) => {
    const value = sampleValue(column, 0);
    if (value === null || value === undefined) return '';
    if (Array.isArray(value)) return value.join(column.delimiter ?? ',');
    return value as string | number | boolean;
  });
}

export function sampleCsv(columns: readonly Column[]): string {
  // The mark makes Excel read the file as UTF-8.
  return '\uFEFF' + Papa.unparse([columns.map((c) => c.name), exampleRow(columns)], { newline: '\r\n' }) + '\r\n';
}

export async function sampleXlsx(columns: readonly Column[]): Promise<Buffer> {
  // Loaded when a sample workbook is first asked for: a service that is never asked does without its memory.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  const sheet = workbook.addWorksheet('Sample');
  sheet.addRow(columns.map((c) => c.name)).font = { bold: true };
  sheet.addRow(exampleRow(columns));
  columns.forEach((column, i) => {
    sheet.getColumn(i + 1).width = Math.max(12, column.name.length + 2);
    const values = column.type === 'select' ? column.selectValues ?? [] : [];
    if (values.length === 0) return;
    const validation: ExcelJS.DataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [listFormula(workbook, column, values)],
      // A multi-select cell holds several values: the list offers them, and what is typed is not refused.
      showErrorMessage: !column.multiSelect,
      errorStyle: 'stop',
      errorTitle: column.name,
      error: `${column.name} must be one of the listed values`,
    };
    // Alike validations of neighbouring cells are written as one range by exceljs.
    for (let row = 2; row <= DROPDOWN_ROWS + 1; row++) sheet.getCell(row, i + 1).dataValidation = validation;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The values themselves when they fit in the validation ("a,b,c"); otherwise they go to a column of a hidden sheet,
 * and the validation names its range.
 */
function listFormula(workbook: ExcelJS.Workbook, column: Column, values: string[]): string {
  const inline = `"${values.join(',')}"`;
  if (inline.length <= MAX_INLINE_LIST && values.every((v) => !/[",]/.test(v))) return inline;
  const lists = workbook.getWorksheet(LISTS_SHEET) ?? workbook.addWorksheet(LISTS_SHEET, { state: 'hidden' });
  const col = lists.actualColumnCount + 1;
  values.forEach((v, i) => { lists.getCell(i + 1, col).value = v; });
  const letter = lists.getColumn(col).letter;
  return `${LISTS_SHEET}!$${letter}$1:$${letter}$${values.length}`;
}

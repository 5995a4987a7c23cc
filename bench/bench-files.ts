// Writes the benchmark's CSV and XLSX files into a temp directory, once: later runs with the same shape reuse them.

import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { HEADINGS, peopleRows, type PersonRow } from './people.ts';

/** Bump when the generated content changes, so stale files are not reused. */
const VERSION = 1;

export const benchDir = () => join(process.env.SHEETHOOK_BENCH_DIR || join(tmpdir(), 'sheethook-bench'));

const csvField = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

function csvLine(r: PersonRow): string {
  return `${r.id},${csvField(r.name)},${r.email},${r.age},${r.balance.toFixed(2)},${r.signup.toISOString().slice(0, 10)},` +
    `${r.active},${r.zip},${r.plan},${csvField(r.notes)}\n`;
}

/** Written under a temporary name and renamed at the end, so an interrupted run never leaves a short file to reuse. */
async function produce(path: string, fresh: boolean, write: (tmp: string) => Promise<void>): Promise<string> {
  if (!fresh && existsSync(path)) return path;
  await mkdir(benchDir(), { recursive: true });
  const tmp = `${path}.partial`;
  try {
    await write(tmp);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
  return path;
}

/** `allValid`: without the rows' invalid cells, so that every row is delivered. */
export function csvFile(rows: number, fresh = false, allValid = false): Promise<string> {
  return produce(join(benchDir(), `people-${rows}${allValid ? '-valid' : ''}-v${VERSION}.csv`), fresh, async (tmp) => {
    const out = createWriteStream(tmp);
    let text = `${HEADINGS.join(',')}\n`;
    for (const row of peopleRows(rows, undefined, allValid)) {
      text += csvLine(row);
      if (text.length >= 1 << 20) {
        if (!out.write(text)) await once(out, 'drain');
        text = '';
      }
    }
    out.end(text);
    await once(out, 'finish');
  });
}

export function xlsxFile(rows: number, sharedStrings: boolean, fresh = false): Promise<string> {
  const name = `people-${rows}-${sharedStrings ? 'shared' : 'inline'}-v${VERSION}.xlsx`;
  return produce(join(benchDir(), name), fresh, async (tmp) => {
    // Styles on: a date is a number with a date format, and only the style says so.
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: tmp, useSharedStrings: sharedStrings, useStyles: true });
    const sheet = workbook.addWorksheet('People');
    sheet.columns = HEADINGS.map((header) => ({ header }));
    sheet.getColumn(6).numFmt = 'yyyy-mm-dd';
    for (const r of peopleRows(rows)) {
      sheet.addRow([r.id, r.name, r.email, r.age, r.balance, r.signup, r.active, r.zip, r.plan, r.notes || null]).commit();
    }
    sheet.commit();
    await workbook.commit();
  });
}

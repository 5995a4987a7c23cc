// Bare XLSX baseline, run as its own process: exceljs's streaming WorkbookReader over the file, counting rows.
// Prints one JSON line.

import ExcelJS from 'exceljs';
import { peakRssMb } from './proc-stats.ts';

const path = process.argv[2];
const started = performance.now();
const cpuStart = process.cpuUsage();
let rows = 0;
// Styles cached as the service does: they are what tell a date from a number.
const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
  worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore',
});
for await (const sheet of reader) {
  for await (const _row of sheet as unknown as AsyncIterable<ExcelJS.Row>) rows++;
}
const ms = performance.now() - started;
const { user, system } = process.cpuUsage(cpuStart);
process.stdout.write(`${JSON.stringify({ rows: rows - 1, ms, cpuMs: (user + system) / 1000, peakRssMb: peakRssMb() })}\n`);

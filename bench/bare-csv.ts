// Bare CSV baseline, run as its own process: papaparse streaming over the file, counting rows. Prints one JSON line.

import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import Papa from 'papaparse';
import { peakRssMb } from './proc-stats.ts';

const path = process.argv[2];
const started = performance.now();
const cpuStart = process.cpuUsage();
let rows = 0;
await pipeline(
  createReadStream(path, { encoding: 'utf8' }),
  Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: ',', header: false }),
  new Writable({ objectMode: true, write(_row, _encoding, done) { rows++; done(); } }),
);
const ms = performance.now() - started;
const { user, system } = process.cpuUsage(cpuStart);
// The heading row is not a data row.
process.stdout.write(`${JSON.stringify({ rows: rows - 1, ms, cpuMs: (user + system) / 1000, peakRssMb: peakRssMb() })}\n`);

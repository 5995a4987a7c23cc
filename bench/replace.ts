// Find & replace at scale, measured from outside: a large upload in review, a replacement in a plain column and one in
// a unique column, each timed from the request to its answer, with the service's peak memory during it.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { csvFile } from './bench-files.ts';
import { peopleTemplate } from './people.ts';
import { cpuSeconds, peakRssMb, resetPeakRss, rssMb } from './proc-stats.ts';
import { embeddedLauncher, PROJECT_ROOT, sleep, type ServiceClient } from './service-process.ts';

const USAGE = `npm run bench:replace -- [--rows N] [--service-root DIR]
  --rows          rows of the upload (default 1000000; the ingest benchmark's people file)
  --service-root  the checkout whose service is measured (default: this one)`;

interface Case { name: string; column: string; find: string; replace: string }

/** Every email's domain is one of four: "example" is in each, so every row changes, in both cases. */
const CASES: Case[] = [
  { name: 'plain column (notes)', column: 'notes', find: 'e', replace: 'E' },
  { name: 'unique column (email)', column: 'email', find: 'example', replace: 'sample' },
];

const fmt = (mb: number | null) => (mb === null ? '?' : mb.toFixed(0));

async function waitForStatus(client: ServiceClient, uploadId: string, status: string): Promise<void> {
  for (;;) {
    const upload = await client.call('GET', `/v1/uploads/${uploadId}`);
    if (upload.status === status) return;
    if (['failed', 'cancelled'].includes(upload.status)) throw new Error(`the upload ended ${upload.status}: ${upload.error}`);
    await sleep(250);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string' }, 'service-root': { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const rows = Number(values.rows ?? process.env.BENCH_ROWS ?? 1_000_000);
  const root = values['service-root'] ?? PROJECT_ROOT;
  const file = await csvFile(rows);
  const launcher = await embeddedLauncher();
  const service = await launcher.start({ root, nodeArgs: [] });
  // The service alone: what a find & replace adds to it.
  const pid = service.processes[0].pid;
  try {
    const { client } = service;
    await client.call('POST', '/v1/templates', peopleTemplate('people', true));
    const form = new FormData();
    form.set('template', 'people');
    form.set('file', new Blob([await readFile(file)]), 'people.csv');
    const { uploadId } = await client.call('POST', '/v1/uploads', form);
    await client.call('POST', `/v1/uploads/${uploadId}/validate`);
    await waitForStatus(client, uploadId, 'reviewing');
    console.log(`${rows.toLocaleString('en')} rows in review; service RSS ${fmt(rssMb(pid))} MB, peak so far ${fmt(peakRssMb(pid))} MB`);
    console.log('| case | rows changed | seconds | service CPU s | RSS before (MB) | peak during (MB) | RSS after (MB) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const c of CASES) {
      await sleep(3000);
      const before = rssMb(pid);
      resetPeakRss(pid);
      const cpuBefore = cpuSeconds(pid) ?? 0;
      const started = performance.now();
      const answer = await client.call('POST', `/v1/uploads/${uploadId}/records/replace`, { column: c.column, find: c.find, replace: c.replace });
      const seconds = (performance.now() - started) / 1000;
      console.log(`| ${c.name} | ${answer.rowsChanged} | ${seconds.toFixed(1)} | ${((cpuSeconds(pid) ?? 0) - cpuBefore).toFixed(1)} | ${fmt(before)} | ${fmt(peakRssMb(pid))} | ${fmt(rssMb(pid))} |`);
    }
  } finally {
    await service.stop();
    await launcher.dispose();
  }
}

await main();

// Ingest benchmark: the service's CSV and XLSX ingest against bare papaparse and exceljs streaming over the same
// files, in rows/s and peak memory. It prints; it fails only when something breaks, never because a machine is slow.
//
//   npm run bench:ingest -- --rows 1000000        (--help for every option)

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { bareRun } from './bare.ts';
import { benchDir, csvFile, xlsxFile } from './bench-files.ts';
import { parseOptions, USAGE, type BenchOptions, type Case } from './options.ts';
import { fixed, int, median, peakOf, printTable, printTargets, rowsPerSecond, type CaseResult, type Target } from './report.ts';
import { waitForQuiet, withOtherLoad } from './proc-stats.ts';
import { AFTER_IDLE_MS, PROJECT_ROOT, serviceImport } from './service-import.ts';
import { describeStart } from './service-process.ts';

const TARGETS = { csvRatio: 0.6, xlsxRatio: 0.8, peakRssMb: 300, healthWaitMs: 200, endToEndS: 10, endToEndRatio: 0.2 };
/** Peak memory differs by a few MB between identical runs; "no higher" allows that much. */
const PEAK_NOISE = 1.05;

async function bareCase(label: string, script: 'bare-csv.ts' | 'bare-xlsx.ts', file: string, options: BenchOptions): Promise<CaseResult> {
  const result: CaseResult = { label, rows: 0, seconds: [], cpuSeconds: [], peakRssMb: [], otherCores: [], notes: [] };
  for (let i = 0; i < options.repeat; i++) {
    if (options.quietWaitMs) await waitForQuiet(options.quietWaitMs);
    const { value: run, otherCores } = await withOtherLoad(() => bareRun(script, file));
    result.otherCores.push(otherCores);
    result.rows = run.rows;
    result.seconds.push(run.ms / 1000);
    result.cpuSeconds.push(run.cpuMs / 1000);
    result.peakRssMb.push(run.peakRssMb);
  }
  return result;
}

async function serviceCase(label: string, file: string, expectedRows: number, options: BenchOptions): Promise<CaseResult> {
  const result: CaseResult = { label, rows: 0, seconds: [], cpuSeconds: [], peakRssMb: [], otherCores: [], notes: [] };
  const post: number[] = [];
  const delivery: number[] = [];
  const endToEnd: number[] = [];
  const ingestPeaks: number[] = [];
  const healthWaits: number[] = [];
  for (let i = 0; i < options.repeat; i++) {
    if (options.quietWaitMs) await waitForQuiet(options.quietWaitMs);
    const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
    const { value: run, otherCores } = await withOtherLoad(() => serviceImport({
      root: options.serviceRoot ?? PROJECT_ROOT,
      file, chunkSize: options.chunkSize, uniqueEmail: options.uniqueEmail, deliver: options.deliver, nodeArgs, timeoutMs: options.timeoutMs, pgConf: options.pgConf,
    }));
    result.otherCores.push(otherCores);
    if (options.cpuProfDir) {
      // For profile-summary.ts: the profile's samples that fall inside ingest.
      await writeFile(join(options.cpuProfDir, `ingest-window-${run.pid}.json`), JSON.stringify({ label, fromUs: run.ingestWindowUs[0], toUs: run.ingestWindowUs[1] }));
    }
    if (run.rows !== expectedRows || run.status === 'failed') {
      throw new Error(`${label}: the upload read ${run.rows} of ${expectedRows} rows, status ${run.status}${run.error ? ` (${run.error})` : ''}`);
    }
    if (options.deliver && run.status !== 'completed') throw new Error(`${label}: the upload ended ${run.status}`);
    result.rows = run.rows;
    result.seconds.push(run.ingestMs / 1000);
    result.cpuSeconds.push((run.ingestCpuMs ?? Number.NaN) / 1000);
    result.peakRssMb.push(run.peakRssMb);
    post.push(run.postMs / 1000);
    healthWaits.push(run.longestHealthWaitMs);
    if (run.deliveryMs !== null) {
      delivery.push(run.deliveryMs / 1000);
      endToEnd.push((run.ingestMs + run.deliveryMs) / 1000);
    }
    if (run.ingestPeakRssMb !== null) ingestPeaks.push(run.ingestPeakRssMb);
    if (i === 0) {
      result.notes.push(rssGrowth(run.rssTrail, expectedRows));
      if (run.deliveryRss.length) {
        const at = (share: number) => fixed(run.deliveryRss[Math.min(run.deliveryRss.length - 1, Math.floor(share * run.deliveryRss.length))], 0);
        result.notes.push(`RSS while delivering, at a quarter / half / three quarters / the end of its time: ${[0.25, 0.5, 0.75, 1].map(at).join(' / ')} MB (most ${fixed(Math.max(...run.deliveryRss), 0)} MB)`);
      }
      result.notes.push(`${int(run.validRecords)} valid, ${int(run.invalidRecords)} invalid; peak RSS when ready, before the import: ${fixed(run.idleRssMb ?? Number.NaN, 0)} MB; ` +
        `idle RSS 3 s later: ${fixed(run.idleRssNowMb ?? Number.NaN, 0)} MB` +
        (run.initPeakRssMb === null ? ' (the import ran in the first start, on an empty data directory)'
          : ` (a first start made the database for --pg-conf, peak ${fixed(run.initPeakRssMb, 0)} MB, not counted)`));
      if (run.peakRssMb !== null && run.servicePeakRssMb !== null && run.peakRssMb > run.servicePeakRssMb) {
        result.notes.push(`of the peak RSS, the service's node process: ${fixed(run.servicePeakRssMb, 0)} MB; npm, which started it: ${fixed(run.peakRssMb - run.servicePeakRssMb, 0)} MB`);
      }
      if (run.afterRssMb !== null) result.notes.push(`idle RSS ${AFTER_IDLE_MS / 1000} s after the last acknowledgement: ${fixed(run.afterRssMb, 0)} MB`);
    }
  }
  result.notes.push(`POST until 202 (upload, sniff, head check): ${fixed(median(post), 2)} s`);
  result.notes.push(`longest GET /health wait, asked every 100 ms from the POST to the end: ${healthWaits.map((ms) => fixed(ms, 0)).join(' / ')} ms`);
  result.healthWaitMs = Math.max(...healthWaits);
  if (ingestPeaks.length) result.notes.push(`peak RSS when ingest ended: ${fixed(Math.max(...ingestPeaks), 0)} MB`);
  // The table gives the highest; a run's peak moves by tens of MB with when the collector runs.
  if (options.repeat > 1) result.notes.push(`peak RSS of each run: ${result.peakRssMb.map((mb) => (mb === null ? 'n/a' : fixed(mb, 0))).join(' / ')} MB`);
  if (delivery.length) {
    const rows = result.rows;
    result.notes.push(`delivery, not in the time above: ${fixed(median(delivery), 2)} s, ${int(rows / median(delivery))} rows/s`);
    result.endToEndS = median(endToEnd);
    result.notes.push(`from the POST to the last chunk acknowledged (final status): ${endToEnd.map((v) => fixed(v, 2)).join(' / ')} s`);
  }
  return result;
}

/** Resident memory when a quarter, half, three quarters and all of the rows had been read: flat memory stays level. */
function rssGrowth(trail: [number, number][], rows: number): string {
  const at = (share: number) => {
    const point = trail.find(([read]) => read >= rows * share) ?? trail[trail.length - 1];
    return point ? fixed(point[1], 0) : 'n/a';
  };
  return `RSS with 25% / 50% / 75% / all rows read: ${[0.25, 0.5, 0.75, 1].map(at).join(' / ')} MB`;
}

function ratioTarget(what: string, service: CaseResult | undefined, bare: CaseResult | undefined, goal: number): Target[] {
  if (!service || !bare) return [];
  const ratio = rowsPerSecond(service) / rowsPerSecond(bare);
  return [{ what, measured: `${fixed(ratio, 2)}×`, goal: `≥ ${goal}×`, met: ratio >= goal }];
}

/** From the POST to the final status, against bare papaparse's parse of the same file. */
function endToEndTargets(service: CaseResult | undefined, bare: CaseResult | undefined): Target[] {
  if (service?.endToEndS === undefined) return [];
  const targets: Target[] = [];
  if (service.rows === 1_000_000) {
    targets.push({ what: 'CSV, POST to last chunk acknowledged, 1,000,000 rows', measured: `${fixed(service.endToEndS, 2)} s`, goal: `≤ ${TARGETS.endToEndS} s`, met: service.endToEndS <= TARGETS.endToEndS });
  }
  if (bare) {
    const ratio = median(bare.seconds) / service.endToEndS;
    targets.push({ what: 'CSV, bare parse time / POST to last acknowledgement', measured: `${fixed(ratio, 2)}×`, goal: `≥ ${TARGETS.endToEndRatio}×`, met: ratio >= TARGETS.endToEndRatio });
  }
  return targets;
}

function memoryTarget(what: string, r: CaseResult | undefined): Target[] {
  const peak = r && peakOf(r);
  if (peak === undefined || peak === null) return [];
  return [{ what, measured: `${fixed(peak, 0)} MB`, goal: `< ${TARGETS.peakRssMb} MB`, met: peak < TARGETS.peakRssMb }];
}

function healthTarget(what: string, r: CaseResult | undefined): Target[] {
  if (r?.healthWaitMs === undefined) return [];
  return [{ what, measured: `${fixed(r.healthWaitMs, 0)} ms`, goal: `< ${TARGETS.healthWaitMs} ms`, met: r.healthWaitMs < TARGETS.healthWaitMs }];
}

/** The service's CSV peak at this size against the one a run at 1,000,000 rows saved, when there is one. */
async function scaleTarget(options: BenchOptions, serviceCsv: CaseResult | undefined): Promise<Target[]> {
  const peak = serviceCsv && peakOf(serviceCsv);
  if (peak === undefined || peak === null) return [];
  const saved = (rows: number) => join(benchDir(), `results-${rows}.json`);
  await writeFile(saved(options.rows), JSON.stringify({ at: new Date().toISOString(), serviceCsvPeakRssMb: peak }));
  if (options.rows === 1_000_000) return [];
  const earlier = await readFile(saved(1_000_000), 'utf8').then((text) => JSON.parse(text) as { at: string; serviceCsvPeakRssMb: number }, () => undefined);
  if (!earlier) {
    return [{ what: `service CSV peak at ${int(options.rows)} rows vs 1,000,000`, measured: `${fixed(peak, 0)} MB`, goal: 'run --rows 1000000 too', met: null }];
  }
  return [{
    what: `service CSV peak at ${int(options.rows)} rows vs 1,000,000 (${fixed(earlier.serviceCsvPeakRssMb, 0)} MB, ${earlier.at.slice(0, 16)})`,
    measured: `${fixed(peak, 0)} MB`,
    goal: `≤ ${fixed(earlier.serviceCsvPeakRssMb, 0)} MB +5%`,
    met: peak <= earlier.serviceCsvPeakRssMb * PEAK_NOISE,
  }];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const wants = (c: Case) => options.cases.has(c);
  if (options.cpuProfDir) await mkdir(options.cpuProfDir, { recursive: true });
  const csv = wants('bare-csv') || wants('service-csv') ? await csvFile(options.rows, options.fresh) : undefined;
  const xlsx = wants('bare-xlsx') || wants('service-xlsx') ? await xlsxFile(options.xlsxRows, options.sharedStrings, options.fresh) : undefined;
  const mb = (path: string) => fixed(statSync(path).size / 1e6, 0);

  console.log(`sheethook ingest benchmark, node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => fixed(l, 2)).join(' ')}`);
  if (csv) console.log(`CSV:  ${int(options.rows)} rows x 10 columns, ${mb(csv)} MB  ${csv}`);
  if (xlsx) console.log(`XLSX: ${int(options.xlsxRows)} rows x 10 columns, ${mb(xlsx)} MB, shared strings ${options.sharedStrings ? 'on' : 'off'}  ${xlsx}`);
  const root = options.serviceRoot ?? PROJECT_ROOT;
  console.log(`service: ${await describeStart(root, options.cpuProfDir ? ['--cpu-prof'] : [])} in ${root}, chunkSize ${options.chunkSize}, email ${options.uniqueEmail ? 'unique' : 'not unique'}; ingest time is from the POST until the upload leaves "ingesting"`);
  if (options.pgConf.length) console.log(`embedded database settings: ${options.pgConf.join('; ')}`);
  if (loadavg()[0] > 0.5) console.log('warning: the machine is busy (load average above 0.5): expect noisy numbers');
  console.log('');

  const results: Partial<Record<Case, CaseResult>> = {};
  const record = (c: Case, r: CaseResult) => {
    results[c] = r;
    process.stderr.write(`  ${r.label}: ${fixed(median(r.seconds), 2)} s\n`);
  };
  if (csv && wants('bare-csv')) record('bare-csv', await bareCase('bare CSV', 'bare-csv.ts', csv, options));
  if (csv && wants('service-csv')) record('service-csv', await serviceCase('service CSV', csv, options.rows, options));
  if (xlsx && wants('bare-xlsx')) record('bare-xlsx', await bareCase('bare XLSX', 'bare-xlsx.ts', xlsx, options));
  if (xlsx && wants('service-xlsx')) record('service-xlsx', await serviceCase('service XLSX', xlsx, options.xlsxRows, options));

  console.log('');
  printTable(Object.values(results));
  printTargets([
    ...endToEndTargets(results['service-csv'], results['bare-csv']),
    ...ratioTarget('CSV rows/s, service / bare', results['service-csv'], results['bare-csv'], TARGETS.csvRatio),
    ...ratioTarget('XLSX rows/s, service / bare', results['service-xlsx'], results['bare-xlsx'], TARGETS.xlsxRatio),
    ...memoryTarget('service peak RSS from the first start, CSV', results['service-csv']),
    ...memoryTarget('service peak RSS from the first start, XLSX', results['service-xlsx']),
    ...healthTarget('longest GET /health wait, CSV', results['service-csv']),
    ...healthTarget('longest GET /health wait, XLSX', results['service-xlsx']),
    ...(await scaleTarget(options, results['service-csv'])),
  ]);
}

main().catch((err) => {
  console.error(`bench:ingest broke: ${err?.stack ?? err}`);
  process.exit(1);
});

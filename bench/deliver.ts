// Delivery benchmark: how fast the service delivers one upload's chunks to a loopback receiver, one at a time and
// several at once, against a bare undici client posting the very same requests to the same receiver. It prints; it
// fails only when something breaks, never because a machine is slow.
//
//   npm run bench:deliver -- --records 100000        (--help for every option)

import { execFile } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchDir, csvFile } from './bench-files.ts';
import { writeCaptured, type CapturedRequest } from './captured-requests.ts';
import { parseDeliverOptions, USAGE, type DeliverOptions } from './deliver-options.ts';
import { peopleTemplate } from './people.ts';
import { startLoadMeter, waitForQuiet } from './proc-stats.ts';
import { startReceiver, type Receiver } from './receiver.ts';
import { fixed, int, median, printTable, printTargets, rowsPerSecond, type CaseResult, type Target } from './report.ts';
import {
  FINAL_STATUSES, describeStart, launcherFor, monotonicUs, PROJECT_ROOT, sleep, type RunningService, type ServiceLauncher,
} from './service-process.ts';

const run = promisify(execFile);

/** Service chunks/s over the bare client's, sending as many at a time: at concurrency 1 and at 16. */
const TARGETS: Record<number, number> = { 1: 0.5, 16: 0.7 };

/** The headers the service sets on a webhook request (the receiver also sees host, content-length, connection). */
const SERVICE_HEADERS = ['content-type', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];

/** The page number of a webhook body: `"page"` is the last field but `pageSize` and `extra` (null here). */
function pageOf(body: Buffer): number {
  const at = body.lastIndexOf('"page":');
  return at < 0 ? 0 : Number.parseInt(body.subarray(at + 7, at + 20).toString('latin1'), 10);
}

/** What the receiver got during one round: how many times each page. */
class PageTally {
  counts: Uint32Array;
  received = 0;
  constructor(readonly pages: number) { this.counts = new Uint32Array(pages + 1); }
  add(page: number) {
    if (page >= 1 && page <= this.pages) this.counts[page]++;
    this.received++;
  }
  get missing() { return this.counts.slice(1).filter((n) => n === 0).length; }
  get repeated() { return this.counts.slice(1).reduce((sum, n) => sum + Math.max(0, n - 1), 0); }
}

interface Upload { uploadId: string; pages: number; captured: CapturedRequest[] }

const describeStatus = (u: { status: string; error: string | null }) => `${u.status}${u.error ? ` (${u.error})` : ''}`;

async function waitForFinal(service: RunningService, uploadId: string, deadline: number, pollMs: number) {
  for (;;) {
    service.check();
    const upload = await service.client.call('GET', `/v1/uploads/${uploadId}`);
    if (FINAL_STATUSES.includes(upload.status)) return upload;
    if (Date.now() > deadline) throw new Error(`upload ${uploadId} is still ${upload.status} at the time limit (--timeout-s)`);
    await sleep(pollMs);
  }
}

/** Imports the file and lets it be delivered once, one page at a time, keeping each page's request as it arrived. */
async function firstDelivery(service: RunningService, receiver: Receiver, file: string, options: DeliverOptions): Promise<Upload> {
  const pages = Math.ceil(options.records / options.chunkSize);
  const captured: CapturedRequest[] = new Array(pages);
  receiver.onRequest = (body, headers) => {
    const page = pageOf(body);
    const kept: Record<string, string> = {};
    for (const name of SERVICE_HEADERS) if (typeof headers[name] === 'string') kept[name] = headers[name] as string;
    captured[page - 1] = { headers: kept, body };
  };
  const form = new FormData();
  form.append('template', 'people');
  form.append('file', await openAsBlob(file), basename(file));
  const { uploadId } = await service.client.call<{ uploadId: string }>('POST', '/v1/imports', form);
  const upload = await waitForFinal(service, uploadId, Date.now() + options.timeoutMs, 200);
  receiver.onRequest = undefined;
  if (upload.status !== 'completed' || upload.validRecords !== options.records || upload.totalPages !== pages) {
    throw new Error(`the upload ended ${describeStatus(upload)} with ${upload.validRecords} of ${options.records} records ` +
      `in ${upload.totalPages} of ${pages} pages`);
  }
  const lost = captured.findIndex((c) => !c);
  if (lost >= 0 || captured.length !== pages) throw new Error(`the receiver did not get page ${lost + 1}`);
  return { uploadId, pages, captured };
}

interface Round { ms: number; cpuSeconds: number | null; otherCores: number | null }

/**
 * Sends the upload again with the destination at `concurrency`: from just before the redeliver request puts every
 * page back in the queue (the upload is `delivering` from then on) until the final status the upload records.
 */
async function serviceRound(service: RunningService, receiver: Receiver, upload: Upload, concurrency: number, options: DeliverOptions,
  receiverUrl: string, label: string): Promise<Round> {
  await service.client.call('PUT', '/v1/templates/people/destination', {
    webhook: { callbackUrl: receiverUrl, chunkSize: options.chunkSize, retryCount: 0, concurrency },
  });
  if (options.quietWaitMs) await waitForQuiet(options.quietWaitMs);
  const tally = new PageTally(upload.pages);
  receiver.onRequest = (body) => tally.add(pageOf(body));
  const pids = service.processes.map((p) => p.pid);
  const meter = startLoadMeter(pids);
  const fromUs = monotonicUs();
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  await service.client.call('POST', `/v1/uploads/${upload.uploadId}/redeliver`, { pages: Array.from({ length: upload.pages }, (_, i) => i + 1) });
  // Polling the API takes the service's time too: wait for the receiver to have every page, then ask.
  while (tally.missing > 0) {
    service.check();
    if (Date.now() > deadline) throw new Error(`${label}: ${tally.missing} pages still not received at the time limit (--timeout-s)`);
    await sleep(10);
  }
  const final = await waitForFinal(service, upload.uploadId, deadline, 10);
  const load = meter();
  const toUs = monotonicUs();
  receiver.onRequest = undefined;
  if (final.status !== 'completed' || final.pagesDelivered !== upload.pages) {
    throw new Error(`${label}: the upload ended ${describeStatus(final)}, ${final.pagesDelivered} of ${upload.pages} pages delivered`);
  }
  if (options.cpuProfDir) {
    // For profile-summary.ts: the samples of each process that fall inside this delivery.
    for (const pid of pids) await writeFile(join(options.cpuProfDir, `${label.replace(/\W+/g, '-')}-window-${pid}.json`), JSON.stringify({ label, fromUs, toUs }));
  }
  const ms = Date.parse(final.finishedAt) - started;
  if (tally.repeated > 0) process.stderr.write(`  ${label}: ${tally.repeated} pages received more than once\n`);
  return { ms, cpuSeconds: load.pidsCpuSeconds, otherCores: load.otherCores };
}

/** The bare client in its own process, as the service is: the same requests, `parallel` at a time. */
async function bareRound(receiver: Receiver, upload: Upload, requestsFile: string, parallel: number, pids: number[], options: DeliverOptions): Promise<Round> {
  if (options.quietWaitMs) await waitForQuiet(options.quietWaitMs);
  const tally = new PageTally(upload.pages);
  receiver.onRequest = (body) => tally.add(pageOf(body));
  const meter = startLoadMeter(pids);
  const script = fileURLToPath(new URL('bare-deliver.ts', import.meta.url));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, receiver.url, requestsFile, String(parallel)], {
    cwd: PROJECT_ROOT, maxBuffer: 1 << 20,
  });
  const load = meter();
  receiver.onRequest = undefined;
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as { requests: number; failed: number; ms: number; cpuMs: number };
  if (result.failed > 0 || tally.missing > 0 || tally.received !== upload.pages) {
    throw new Error(`bare client: ${result.failed} requests failed, ${tally.missing} pages missing, ${tally.received} requests received`);
  }
  return { ms: result.ms, cpuSeconds: result.cpuMs / 1000, otherCores: load.otherCores };
}

function caseResult(label: string, pages: number): CaseResult {
  return { label, rows: pages, seconds: [], cpuSeconds: [], peakRssMb: [], otherCores: [], notes: [] };
}

function add(result: CaseResult, round: Round) {
  result.seconds.push(round.ms / 1000);
  result.cpuSeconds.push(round.cpuSeconds ?? Number.NaN);
  result.peakRssMb.push(null);
  result.otherCores.push(round.otherCores);
  process.stderr.write(`  ${result.label}: ${fixed(round.ms / 1000, 2)} s\n`);
}

async function main(): Promise<void> {
  const options = parseDeliverOptions(process.argv.slice(2), process.env);
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (options.cpuProfDir) await mkdir(options.cpuProfDir, { recursive: true });
  const file = await csvFile(options.records, options.fresh, true);
  const root = options.serviceRoot ?? PROJECT_ROOT;
  const pages = Math.ceil(options.records / options.chunkSize);

  const receiver = await startReceiver();
  const requestsFile = join(benchDir(), `deliver-requests-${process.pid}.bin`);
  let launcher: ServiceLauncher | undefined;
  let service: RunningService | undefined;
  const bare = new Map<number, CaseResult>();
  const served = new Map<number, CaseResult>();
  try {
    launcher = await launcherFor(options);
    console.log(`sheethook delivery benchmark, node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => fixed(l, 2)).join(' ')}`);
    console.log(`upload: ${int(options.records)} records in ${int(pages)} chunks of ${options.chunkSize}, from ${file}`);
    console.log(`service: ${await describeStart(root, options.cpuProfDir ? ['--cpu-prof'] : [])} in ${root} on the ${launcher.description}; SHEETHOOK_DELIVERY_CONCURRENCY ${options.workerConcurrency}`);
    console.log('service time: from the redeliver request that puts every page back in the queue until the upload\'s finishedAt');
    if (loadavg()[0] > 0.5) console.log('warning: the machine is busy (load average above 0.5): expect noisy numbers');
    console.log('');

    const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
    service = await launcher.start({ root, nodeArgs, env: { SHEETHOOK_DELIVERY_CONCURRENCY: String(options.workerConcurrency) } });
    await service.client.call('POST', '/v1/templates', peopleTemplate('people', false));
    await service.client.call('PUT', '/v1/templates/people/destination', {
      webhook: { callbackUrl: receiver.url, chunkSize: options.chunkSize, retryCount: 0 },
    });
    process.stderr.write('  ingest and a first delivery, keeping its requests...\n');
    const upload = await firstDelivery(service, receiver, file, options);
    await writeCaptured(requestsFile, upload.captured);
    const bodyBytes = upload.captured.reduce((sum, c) => sum + c.body.length, 0);
    console.log(`requests: ${int(bodyBytes / upload.pages)} bytes of body on average, ${fixed(bodyBytes / 1e6, 1)} MB in all`);
    console.log('');

    const pids = service.processes.map((p) => p.pid);
    for (let i = 0; i < options.repeat; i++) {
      for (const c of options.concurrencies) {
        const bareLabel = c === 1 ? 'bare, sequential' : `bare, ${c} at a time`;
        if (!bare.has(c)) bare.set(c, caseResult(bareLabel, pages));
        add(bare.get(c)!, await bareRound(receiver, upload, requestsFile, c, pids, options));
        const label = `service, concurrency ${c}`;
        if (!served.has(c)) served.set(c, caseResult(label, pages));
        add(served.get(c)!, await serviceRound(service, receiver, upload, c, options, receiver.url, label));
      }
    }
  } finally {
    await service?.stop();
    await launcher?.dispose();
    await receiver.close();
    await rm(requestsFile, { force: true });
  }

  console.log('');
  printTable(options.concurrencies.flatMap((c) => [bare.get(c)!, served.get(c)!]), 'chunks');
  const targets: Target[] = options.concurrencies.map((c) => {
    const ratio = rowsPerSecond(served.get(c)!) / rowsPerSecond(bare.get(c)!);
    const goal = TARGETS[c];
    return {
      what: `chunks/s at concurrency ${c}, service / bare ${c === 1 ? 'sequential' : `${c} at a time`}`,
      measured: `${fixed(ratio, 2)}×`,
      goal: goal === undefined ? 'none' : `≥ ${goal}×`,
      met: goal === undefined ? null : ratio >= goal,
    };
  });
  printTargets(targets);
  const perChunk = options.concurrencies.map((c) => `${c}: ${fixed((median(served.get(c)!.seconds) * 1000) / pages, 2)} ms`);
  console.log(`\nservice time per chunk, by concurrency: ${perChunk.join(', ')}`);
}

main().catch((err) => {
  console.error(`bench:deliver broke: ${err?.stack ?? err}`);
  process.exit(1);
});

// Runs one import through the real service: started as a child process on a fresh data directory, a template and
// webhook destination, the file posted as multipart from disk, and the upload polled until read and delivered.

import { openAsBlob } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { cpuSeconds, peakRssMb, rssMb } from './proc-stats.ts';
import { probeHealth } from './health-probe.ts';
import { peopleTemplate } from './people.ts';
import { startReceiver } from './receiver.ts';
import { FINAL_STATUSES as FINAL, monotonicUs, sleep, startService, stopService } from './service-process.ts';

export { PROJECT_ROOT } from './service-process.ts';

export interface ServiceImportOptions {
  /** The checkout whose `src/main.ts` runs; this project unless told otherwise. */
  root: string;
  file: string;
  chunkSize: number;
  uniqueEmail: boolean;
  /** Wait for every page to be delivered (timed separately) before stopping the service. */
  deliver: boolean;
  /** Extra node flags for the service, such as --cpu-prof. */
  nodeArgs: string[];
  timeoutMs: number;
  /** Lines for the embedded database's postgresql.auto.conf, applied from the second start on. */
  pgConf: string[];
}

export interface ServiceImportResult {
  rows: number;
  validRecords: number;
  invalidRecords: number;
  status: string;
  error: string | null;
  /** From the start of the POST to its 202: the file's transfer, sniff and head check. */
  postMs: number;
  /** From the start of the POST until the upload is no longer `ingesting`. */
  ingestMs: number;
  /** CPU the service used during ingest, all threads; more than ingestMs means more than one core was busy. */
  ingestCpuMs: number | null;
  /** From the end of ingest until the upload's final status; null when delivery was not waited for. */
  deliveryMs: number | null;
  /** The service's VmHWM when ingest had ended, and when it stopped. */
  ingestPeakRssMb: number | null;
  peakRssMb: number | null;
  /** The part of peakRssMb that is the service's own process, node, without npm. */
  servicePeakRssMb: number | null;
  /** The service's VmHWM when it was ready, before any import. */
  idleRssMb: number | null;
  /** The service's resident memory three seconds after it was ready, before any import. */
  idleRssNowMb: number | null;
  /** The service's resident memory AFTER_IDLE_MS after the upload's final status; null when delivery was not waited for. */
  afterRssMb: number | null;
  /** VmHWM of a first start stopped before the import, when --pg-conf needs a second; null when the import ran in the first start. */
  initPeakRssMb: number | null;
  requests: number;
  pid: number;
  /** The service's resident memory as ingest went on: [rows read so far, MiB], one per poll. */
  rssTrail: [number, number][];
  /** The service's resident memory while it delivered, in MiB, every 200 ms. */
  deliveryRss: number[];
  /** The longest wait for GET /health, asked every 100 ms from the POST to the end of ingest (and of delivery when waited for). */
  longestHealthWaitMs: number;
  /** The ingest's start and end on the monotonic clock V8's CPU profiles use, in microseconds. */
  ingestWindowUs: [number, number];
}

/** How long after an import the idle service's memory is read again: past the ten polls a reading thread outlives its file. */
export const AFTER_IDLE_MS = 15_000;

export async function serviceImport(options: ServiceImportOptions): Promise<ServiceImportResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sheethook-bench-data-'));
  const receiver = await startReceiver();
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  try {
    // The import runs in the service's first start on an empty data directory, as an operator's first import does:
    // its peak includes making the database. Database settings (--pg-conf) need a database to write them to: then
    // a first start makes it, and the import runs in a second.
    let initPeakRssMb: number | null = null;
    if (options.pgConf.length) {
      const first = await startService(options.root, { SHEETHOOK_DATA_DIR: dataDir });
      initPeakRssMb = peakRssMb(first.pids);
      await stopService(first);
      await appendFile(join(dataDir, 'pgdata', 'postgresql.auto.conf'), options.pgConf.map((l) => `${l}\n`).join(''));
    }
    service = await startService(options.root, { SHEETHOOK_DATA_DIR: dataDir }, options.nodeArgs);
    const { child, client, pids } = service;
    const idleRssMb = peakRssMb(pids);
    await sleep(3000);
    const idleRssNowMb = rssMb(pids);
    await client.call('POST', '/v1/templates', peopleTemplate('people', options.uniqueEmail));
    await client.call('PUT', '/v1/templates/people/destination', {
      webhook: { callbackUrl: receiver.url, chunkSize: options.chunkSize, retryCount: 0 },
    });

    const form = new FormData();
    form.append('template', 'people');
    // A file-backed Blob: the body streams from disk instead of being read into this process.
    form.append('file', await openAsBlob(options.file), basename(options.file));
    const cpuBefore = cpuSeconds(pids);
    const health = probeHealth(client.url);
    const started = performance.now();
    const startedUs = monotonicUs();
    const { uploadId } = await client.call<{ uploadId: string }>('POST', '/v1/imports', form);
    const postMs = performance.now() - started;

    const deadline = Date.now() + options.timeoutMs;
    const poll = async () => {
      if (Date.now() > deadline) throw new Error(`upload ${uploadId} did not finish within ${options.timeoutMs} ms`);
      if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${service!.output()}`);
      return client.call('GET', `/v1/uploads/${uploadId}`);
    };
    // Each poll is a few small queries on the service's one database connection, between the ingest's own: polls
    // stay 200 ms apart, so the ingest time is known to about that.
    const rssTrail: [number, number][] = [];
    let upload = await poll();
    while (upload.status === 'ingesting') {
      const rss = rssMb(pids);
      if (rss !== null) rssTrail.push([upload.totalRecords, rss]);
      await sleep(200);
      upload = await poll();
    }
    const ingestMs = performance.now() - started;
    const endedUs = monotonicUs();
    const ingestPeakRssMb = peakRssMb(pids);
    const cpuAfter = cpuSeconds(pids);
    const ingestCpuMs = cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) * 1000;

    let deliveryMs: number | null = null;
    const deliveryRss: number[] = [];
    if (options.deliver) {
      if (!FINAL.includes(upload.status) && upload.status !== 'delivering') {
        throw new Error(`upload ${uploadId} went from ingesting to ${upload.status}, not to delivery`);
      }
      while (!FINAL.includes(upload.status)) {
        const rss = rssMb(pids);
        if (rss !== null) deliveryRss.push(rss);
        await sleep(200);
        upload = await poll();
      }
      deliveryMs = performance.now() - started - ingestMs;
    }
    const peak = peakRssMb(pids);
    const servicePeak = peakRssMb(service.pid);
    const { longestMs: longestHealthWaitMs } = await health.stop();
    let afterRssMb: number | null = null;
    if (options.deliver) {
      await sleep(AFTER_IDLE_MS);
      afterRssMb = rssMb(pids);
    }
    await stopService(service);
    return {
      rows: upload.validRecords + upload.invalidRecords,
      validRecords: upload.validRecords,
      invalidRecords: upload.invalidRecords,
      status: upload.status,
      error: upload.error,
      postMs,
      ingestMs,
      ingestCpuMs,
      deliveryMs,
      ingestPeakRssMb,
      peakRssMb: peak,
      servicePeakRssMb: servicePeak,
      idleRssMb,
      idleRssNowMb,
      afterRssMb,
      initPeakRssMb,
      requests: receiver.requests,
      pid: service.pid,
      rssTrail,
      deliveryRss,
      longestHealthWaitMs,
      ingestWindowUs: [startedUs, endedUs],
    };
  } finally {
    if (service) await stopService(service);
    await receiver.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

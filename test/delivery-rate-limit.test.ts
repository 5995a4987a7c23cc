// A destination's maxRequestsPerSecond holds across its uploads, the worker's parallel sends, retries and test sends.
//
// The service runs as its own process, as a receiver's sender would: the receiver's clock here is not held up by the
// service's own work, so the arrival times it takes are the requests' own.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeServiceHome, type ServiceHome } from './support/home.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { waitForFinal } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

/** How much more one request may take than another to get from the service's start to the receiver's clock. */
const ARRIVAL_JITTER_MS = 100;

let service: ServiceProcess;
let receiver: Receiver;
let home: ServiceHome | undefined;

beforeAll(async () => {
  receiver = await startReceiver();
  home = await makeServiceHome('sheethook-rate-');
  // Eight chunks in flight in the process: without the limit, several uploads' pages would go out together.
  service = await startProcess(home, await freePort(), { SHEETHOOK_DELIVERY_CONCURRENCY: '8' });
}, 120_000);

afterAll(async () => {
  await service?.kill();
  await receiver?.close();
  await home?.remove();
});

async function template(code: string, webhook: Record<string, unknown>) {
  expect((await service.api('POST', '/v1/templates', { code, name: code, columns: PEOPLE_COLUMNS })).status).toBe(201);
  await destination(code, webhook);
}

async function destination(code: string, webhook: Record<string, unknown>) {
  const res = await service.api('PUT', `/v1/templates/${code}/destination`, { webhook: { callbackUrl: receiver.url, ...webhook } });
  expect(res.status).toBe(200);
}

/**
 * The service's first request opens its connection to the receiver (and sets up its HTTP parser): that request reaches
 * the receiver later after its start than the ones after it, by more than the limit's margin. The limit spaces
 * starts; a connection's setup is the network's, so it is made before the measured requests.
 */
async function openConnection(code: string) {
  receiver.answer = () => ({ status: 200 });
  expect((await service.api('POST', `/v1/templates/${code}/destination/test`)).body.outcome).toBe('delivered');
  receiver.received.length = 0;
}

async function startImport(code: string, rows: number): Promise<string> {
  const res = await service.api('POST', '/v1/imports', importForm({ template: code, file: peopleCsv(rows) }));
  expect(res.status).toBe(202);
  return res.body.uploadId;
}

/** The most of `times` (ms) within any window of `windowMs`: a window ending at each one, sliding, not aligned. */
function mostInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    // sorted[j..i] lie in (sorted[i] - windowMs, sorted[i]]: a window of windowMs, one end open.
    while (sorted[j] <= sorted[i] - windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const relative = (times: number[]) => [...times].sort((a, b) => a - b).map((t, _, all) => Math.round(t - all[0])).join(' ');

it('never lets more requests than the limit start in any one second, across uploads and with retries', async () => {
  await template('limited', { chunkSize: 5, concurrency: 4, retryCount: 1, retryInterval: 10 });
  await openConnection('limited');
  await destination('limited', { chunkSize: 5, concurrency: 4, retryCount: 1, retryInterval: 10, maxRequestsPerSecond: 5 });
  const tried = new Set<string>();
  // The first attempt of every second page fails: its retry is a request like any other, and counts.
  receiver.answer = (r) => {
    const key = `${r.body.uploadId}/${r.body.page}`;
    const first = !tried.has(key);
    tried.add(key);
    return r.body.page % 2 === 0 && first ? { status: 503 } : { status: 200 };
  };
  const uploads = await Promise.all([startImport('limited', 20), startImport('limited', 20), startImport('limited', 20)]);
  for (const uploadId of uploads) {
    expect(await waitForFinal(service, uploadId, 30_000)).toMatchObject({ status: 'completed', pagesDelivered: 4 });
  }
  // 3 uploads × 4 pages, and a retry of pages 2 and 4 of each.
  expect(receiver.received).toHaveLength(18);

  // Slots are (1000 + 50) / 5 = 210 ms apart and an attempt starts at most 40 ms after its slot, or not at all: any
  // six starts span more than a second. The starts as the service logged them (the very moments it checked):
  const starts: number[] = [];
  for (const uploadId of uploads) {
    const log = (await service.api('GET', `/v1/uploads/${uploadId}/deliveries`)).body.pages as { attempts: { at: string }[] }[];
    for (const page of log) for (const a of page.attempts) starts.push(Date.parse(a.at));
  }
  expect(starts).toHaveLength(18);
  expect(mostInAnyWindow(starts, 1000), `starts (ms): ${relative(starts)}`).toBeLessThanOrEqual(5);
  // The receiver sees each request after its start by the time the network and two busy processes take, which varies
  // from one request to the next by more than the service controls: its windows are shortened by an allowance for that.
  const arrivals = receiver.received.map((r) => r.at);
  expect(mostInAnyWindow(arrivals, 1000 - ARRIVAL_JITTER_MS), `arrivals (ms): ${relative(arrivals)}`).toBeLessThanOrEqual(5);
});

it('counts a test send against the limit', async () => {
  await template('trickle', {});
  await openConnection('trickle');
  await destination('trickle', { maxRequestsPerSecond: 1 });
  for (let i = 0; i < 3; i++) expect((await service.api('POST', '/v1/templates/trickle/destination/test')).body.outcome).toBe('delivered');
  expect(receiver.received).toHaveLength(3);
  // One a second: slots 1050 ms apart, each request started within 40 ms of its own.
  expect(mostInAnyWindow(receiver.received.map((r) => r.at), 1000 - ARRIVAL_JITTER_MS)).toBe(1);
});

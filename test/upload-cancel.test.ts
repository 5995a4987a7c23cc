// Cancelling an upload stops it wherever it is: pages not yet sent stay unsent, pages sent stay recorded, a reading
// stops writing records, and the status says cancelled for good.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeServiceHome, TEST_STORE } from './support/home.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { startReceiver, type Answer, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let t: TestService;
let receiver: Receiver;
/** The service's log lines, at debug: one says when the reading of a cancelled upload has stopped. */
const logLines: { msg: string; uploadId?: string }[] = [];

/** Long enough for a worker polling every 50 ms to have gone on, had anything been left for it to do. */
const GRACE_MS = 500;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  const capture = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) if (text) logLines.push(JSON.parse(text));
      done();
    },
  });
  t = await startService({ LOG_LEVEL: 'debug' }, undefined, capture);
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  // Retries at once: a cancelled page that failed would be sent again straight away, were it not cancelled.
  await t.api('PUT', '/v1/templates/people/destination', {
    webhook: { callbackUrl: receiver.url, chunkSize: 10, retryCount: 3, retryInterval: 0 },
  });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

const getUpload = async (id: string) => (await t.api('GET', `/v1/uploads/${id}`)).body;
const deliveries = async (id: string) => (await t.api('GET', `/v1/uploads/${id}/deliveries`)).body.pages;
const pagesSent = (id: string) => receiver.received.filter((r) => r.body.uploadId === id).map((r) => r.body.page);

/** Starts a 60-row import (6 pages) whose page 2 the receiver holds until the returned release gives its answer. */
async function deliveringWithPage2Held() {
  let release!: (a: Answer) => void;
  const held = new Promise<Answer>((resolve) => { release = resolve; });
  receiver.answer = (r) => (r.body.page === 2 ? { held } : { status: 200 });
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(60) }));
  expect(res.status).toBe(202);
  const { uploadId } = res.body;
  await waitFor(() => pagesSent(uploadId).includes(2), 'page 2 to reach the receiver');
  return { uploadId: uploadId as string, release };
}

async function pendingChunksGauge(): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  return Number(/^sheethook_chunks\{state="pending"\} (\d+)$/m.exec(text)![1]);
}

it('cancels while delivering: the page in flight finishes and is recorded, later pages are never sent', async () => {
  const { uploadId, release } = await deliveringWithPage2Held();
  const cancel = await t.api('POST', `/v1/uploads/${uploadId}/cancel`);
  expect(cancel.status).toBe(200);
  expect(cancel.body).toMatchObject({ uploadId, status: 'cancelled', pagesDelivered: 1, pagesCancelled: 5, pagesPending: 0 });
  expect(await pendingChunksGauge()).toBe(0);

  release({ status: 200 });
  // Its attempt is recorded: the receiver has it, so the page counts as delivered.
  await waitFor(async () => (await deliveries(uploadId))[1].attempts.length === 1, 'the held page to be settled');
  await pause(GRACE_MS);

  expect(pagesSent(uploadId)).toEqual([1, 2]);
  const pages = await deliveries(uploadId);
  expect(pages.map((p: { status: string }) => p.status)).toEqual(['delivered', 'delivered', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
  expect(pages.slice(2).every((p: { attempts: unknown[] }) => p.attempts.length === 0)).toBe(true);
  const after = await getUpload(uploadId);
  expect(after).toMatchObject({ status: 'cancelled', pagesDelivered: 2, pagesFailed: 0, pagesCancelled: 4, pagesPending: 0 });
  expect(after.finishedAt).not.toBeNull();

  // Nothing sends it again.
  const redeliver = await t.api('POST', `/v1/uploads/${uploadId}/redeliver`, { pages: [3] });
  expect(redeliver.status).toBe(409);
  expect(redeliver.body.code).toBe('wrong_status');
  await pause(GRACE_MS);
  expect(pagesSent(uploadId)).toEqual([1, 2]);
  expect((await getUpload(uploadId)).status).toBe('cancelled');
});

it('keeps a page cancelled when its attempt in flight fails: it is not tried again', async () => {
  const { uploadId, release } = await deliveringWithPage2Held();
  expect((await t.api('POST', `/v1/uploads/${uploadId}/cancel`)).body.status).toBe('cancelled');
  release({ status: 500 });
  await waitFor(async () => (await deliveries(uploadId))[1].attempts.length === 1, 'the held page to be settled');
  await pause(GRACE_MS);

  expect(pagesSent(uploadId)).toEqual([1, 2]);
  const pages = await deliveries(uploadId);
  expect(pages[1]).toMatchObject({ status: 'cancelled', attempts: [{ outcome: 'http_error', httpStatus: 500 }] });
  expect(await getUpload(uploadId)).toMatchObject({ status: 'cancelled', pagesDelivered: 1, pagesCancelled: 5 });
  expect(await pendingChunksGauge()).toBe(0);
});

it('cancels while mapping: the received file is released, and the flow goes no further', async () => {
  const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: peopleCsv(5) }));
  expect(created.status).toBe(201);
  const { uploadId } = created.body;
  const file = join(t.dataDir, 'uploads', uploadId);
  expect(existsSync(file)).toBe(true);

  const cancel = await t.api('POST', `/v1/uploads/${uploadId}/cancel`);
  expect(cancel.status).toBe(200);
  expect(cancel.body).toMatchObject({ status: 'cancelled', pagesDelivered: 0, pagesCancelled: 0 });
  expect(existsSync(file)).toBe(false);
  expect((await t.api('POST', `/v1/uploads/${uploadId}/validate`)).status).toBe(409);
  expect((await getUpload(uploadId)).status).toBe('cancelled');
});

it('cancels while reviewing: confirm is refused, the records read stay readable', async () => {
  const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: peopleCsv(5) }));
  const { uploadId } = created.body;
  expect((await t.api('POST', `/v1/uploads/${uploadId}/validate`)).status).toBe(202);
  await waitFor(async () => (await getUpload(uploadId)).status === 'reviewing', 'the upload to be in review');

  expect((await t.api('POST', `/v1/uploads/${uploadId}/cancel`)).body.status).toBe('cancelled');
  const confirm = await t.api('POST', `/v1/uploads/${uploadId}/confirm`);
  expect(confirm.status).toBe(409);
  expect(confirm.body.detail).toContain('cancelled');
  expect((await t.api('GET', `/v1/uploads/${uploadId}/records?type=all`)).body.records).toHaveLength(5);
  expect(await getUpload(uploadId)).toMatchObject({ status: 'cancelled', totalPages: 0 });
  expect(pagesSent(uploadId)).toEqual([]);
});

it('cancels while ingesting: the reading stops, no records or pages appear, the status stays cancelled', { timeout: 120_000 }, async () => {
  receiver.answer = () => ({ status: 200 });
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(400_000) }));
  expect(res.status).toBe(202);
  const { uploadId } = res.body;
  // Some blocks written: the reading is under way.
  await waitFor(async () => (await getUpload(uploadId)).totalRecords > 0, 'the reading to begin', 60_000);
  const cancel = await t.api('POST', `/v1/uploads/${uploadId}/cancel`);
  expect(cancel.body.status).toBe('cancelled');
  const rowsAtCancel = cancel.body.totalRecords;
  expect(rowsAtCancel).toBeLessThan(400_000);
  expect((await t.api('GET', `/v1/uploads/${uploadId}/records?type=all&limit=1`)).body.records).toEqual([]);

  // Another upload is read and delivered meanwhile; the cancelled one's reading stops at its next block.
  const next = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(3) }));
  expect(await waitForFinal(t, next.body.uploadId, 60_000)).toMatchObject({ status: 'completed' });
  await waitFor(() => logLines.some((l) => l.uploadId === uploadId && l.msg === 'ingest stopped: the upload was cancelled'),
    'the cancelled upload\'s reading to stop', 60_000);

  const after = await getUpload(uploadId);
  expect(after).toMatchObject({ status: 'cancelled', totalRecords: rowsAtCancel, totalPages: 0, pagesCancelled: 0 });
  expect((await t.api('GET', `/v1/uploads/${uploadId}/records?type=all&limit=1`)).body.records).toEqual([]);
  expect(await deliveries(uploadId)).toEqual([]);
  expect(pagesSent(uploadId)).toEqual([]);
  expect(existsSync(join(t.dataDir, 'uploads', uploadId))).toBe(false);
});

it('refuses to cancel an upload that has ended, naming its status; a second cancel answers as the first', async () => {
  receiver.answer = () => ({ status: 200 });
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(15) }));
  expect(await waitForFinal(t, res.body.uploadId)).toMatchObject({ status: 'completed' });
  const refused = await t.api('POST', `/v1/uploads/${res.body.uploadId}/cancel`);
  expect(refused.status).toBe(409);
  expect(refused.body).toMatchObject({ code: 'wrong_status' });
  expect(refused.body.detail).toContain('completed');
  expect((await getUpload(res.body.uploadId)).status).toBe('completed');

  const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: peopleCsv(2) }));
  expect((await t.api('POST', `/v1/uploads/${created.body.uploadId}/cancel`)).status).toBe(200);
  const again = await t.api('POST', `/v1/uploads/${created.body.uploadId}/cancel`);
  expect(again.status).toBe(200);
  expect(again.body.status).toBe('cancelled');

  expect((await t.api('POST', '/v1/uploads/00000000-0000-4000-8000-000000000000/cancel')).status).toBe(404);
});

it.runIf(TEST_STORE === 'postgres')('stops the reading in another process: a worker notices the cancel the api process made (PostgreSQL only: roles need a server)', { timeout: 180_000 }, async () => {
  const home = await makeServiceHome();
  const processes: ServiceProcess[] = [];
  try {
    const worker = await startProcess(home, await freePort(), { SHEETHOOK_ROLE: 'worker', LOG_LEVEL: 'debug' });
    processes.push(worker);
    const api = await startProcess(home, await freePort(), { SHEETHOOK_ROLE: 'api' });
    processes.push(api);
    await api.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
    await api.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10 } });
    receiver.answer = () => ({ status: 200 });

    const res = await api.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(400_000) }));
    const { uploadId } = res.body;
    await waitFor(async () => (await api.api('GET', `/v1/uploads/${uploadId}`)).body.totalRecords > 0, 'the worker to begin reading', 60_000);
    expect((await api.api('POST', `/v1/uploads/${uploadId}/cancel`)).body.status).toBe('cancelled');
    await waitFor(() => worker.output().includes('ingest stopped: the upload was cancelled'), 'the worker to stop reading', 60_000);

    const after = (await api.api('GET', `/v1/uploads/${uploadId}`)).body;
    expect(after).toMatchObject({ status: 'cancelled', totalPages: 0 });
    expect(after.totalRecords).toBeLessThan(400_000);
    expect((await api.api('GET', `/v1/uploads/${uploadId}/records?type=all&limit=1`)).body.records).toEqual([]);
    expect(pagesSent(uploadId)).toEqual([]);
  } finally {
    for (const p of processes) await p.kill();
    await home.remove();
  }
});

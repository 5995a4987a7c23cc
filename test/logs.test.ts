// Logs worth reading: at info an upload writes a line when it is received, read and ended, and one per failed attempt,
// never one per page or per /health poll; at debug every attempt and probe request is there too.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

interface Line { level: number; msg: string; uploadId?: string; req?: { url: string; method: string }; [field: string]: unknown }

const DEBUG = 20;
const INFO = 30;
const ROWS = 3000;
const CHUNK_SIZE = 10;
const PAGES = ROWS / CHUNK_SIZE;
const SECRET = 'receiver-key-5c1d0e';

let t: TestService;
let receiver: Receiver;
const lines: Line[] = [];

beforeAll(async () => {
  // Everything is written at debug; each line carries its level, so the test sees what info would keep.
  const capture = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) if (text) lines.push(JSON.parse(text));
      done();
    },
  });
  t = await startService({ LOG_LEVEL: 'debug' }, undefined, capture);
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  await t.api('PUT', '/v1/templates/people/destination', {
    webhook: { callbackUrl: receiver.url, chunkSize: CHUNK_SIZE, authHeaderName: 'X-Api-Key', retryCount: 1, retryInterval: 0 },
  });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

it('logs an upload in a few info lines, and each page and probe at debug only', { timeout: 120_000 }, async () => {
  // Page 5 fails once, then is delivered on its retry.
  let failedOnce = false;
  receiver.answer = (r) => {
    if (r.body.page !== 5 || failedOnce) return { status: 200 };
    failedOnce = true;
    return { status: 500 };
  };
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(ROWS), authHeaderValue: SECRET }));
  expect(res.status).toBe(202);
  const { uploadId } = res.body;
  for (let i = 0; i < 5; i++) {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    expect((await fetch(`${t.url}/metrics`)).status).toBe(200);
  }
  expect(await waitForFinal(t, uploadId, 60_000)).toMatchObject({ status: 'completed', pagesDelivered: PAGES });
  // The line that ends the upload is written just after the status it reports is committed.
  await expect.poll(() => lines.some((l) => l.uploadId === uploadId && l.msg === 'upload ended')).toBe(true);

  const atInfo = lines.filter((l) => l.level >= INFO);
  const ofUpload = atInfo.filter((l) => l.uploadId === uploadId);
  expect(ofUpload.map((l) => l.msg)).toEqual(['upload received', 'upload read', 'delivery attempt failed', 'upload ended']);
  expect(ofUpload[0]).toMatchObject({ template: 'people', fileFormat: 'csv', status: 'ingesting' });
  expect(ofUpload[1]).toMatchObject({ rows: ROWS, validRecords: ROWS, invalidRecords: 0, totalPages: PAGES, status: 'delivering' });
  expect(ofUpload[2]).toMatchObject({ page: 5, outcome: 'http_error', httpStatus: 500, status: 'pending' });
  expect(ofUpload[3]).toMatchObject({ status: 'completed', pagesDelivered: PAGES, pagesFailed: 0 });
  // Requests to the API stay at info, a line each, with the path and the status; the probes' do not.
  expect(atInfo.filter((l) => l.msg === 'incoming request')).toEqual([]);
  const completed = atInfo.filter((l) => l.msg === 'request completed');
  expect(completed.find((l) => l.req!.url === '/v1/imports')).toMatchObject({ req: { method: 'POST' }, res: { statusCode: 202 } });
  expect(completed.map((l) => l.req!.url).filter((url) => url === '/health' || url === '/metrics')).toEqual([]);
  // Whatever the number of pages, the lines at info that are not API requests are a handful.
  expect(atInfo.filter((l) => !l.req && l.msg !== 'request completed').length).toBeLessThan(10);

  const atDebug = lines.filter((l) => l.level === DEBUG);
  const attempts = atDebug.filter((l) => l.uploadId === uploadId && l.msg === 'delivery attempt');
  expect(attempts).toHaveLength(PAGES);
  expect(attempts.every((l) => l.outcome === 'delivered')).toBe(true);
  const probes = atDebug.filter((l) => l.msg === 'incoming request').map((l) => l.req!.url);
  expect(probes.filter((url) => url === '/health')).toHaveLength(5);
  expect(probes.filter((url) => url === '/metrics')).toHaveLength(5);
  expect(atDebug.filter((l) => l.msg === 'request completed').length).toBeGreaterThanOrEqual(10);

  expect(JSON.stringify(lines)).not.toContain(SECRET);
});

it('logs a cancel as the end of the upload, with its pages', async () => {
  const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: peopleCsv(5) }));
  const { uploadId } = created.body;
  expect((await t.api('POST', `/v1/uploads/${uploadId}/cancel`)).status).toBe(200);
  const ofUpload = lines.filter((l) => l.level >= INFO && l.uploadId === uploadId);
  expect(ofUpload.map((l) => l.msg)).toEqual(['upload received', 'upload ended']);
  expect(ofUpload[1]).toMatchObject({ status: 'cancelled', was: 'mapping', pagesDelivered: 0, pagesCancelled: 0 });
});

// /metrics tells in Prometheus format what was delivered and how, what waits and how much was read; requests carry ids.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver((r) => (r.body.page === 2 ? { status: 500 } : { status: 200 }));
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10 } });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

/** The value of one series, named with its labels as Prometheus prints them. */
const metric = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.split(' ').pop());
};

it('counts attempts by outcome, their durations, rows read and chunks waiting', async () => {
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(35) }));
  await waitForFinal(t, res.body.uploadId);
  const scrape = await fetch(`${t.url}/metrics`);
  expect(scrape.status).toBe(200);
  expect(scrape.headers.get('content-type')).toMatch(/text\/plain/);
  const text = await scrape.text();
  expect(metric(text, 'sheethook_delivery_attempts_total{outcome="delivered"}')).toBe(3);
  expect(metric(text, 'sheethook_delivery_attempts_total{outcome="http_error"}')).toBe(1);
  expect(metric(text, 'sheethook_delivery_attempt_duration_seconds_count{outcome="delivered"}')).toBe(3);
  expect(metric(text, 'sheethook_ingest_rows_total')).toBe(35);
  expect(metric(text, 'sheethook_chunks{state="pending"}')).toBe(0);
  expect(metric(text, 'sheethook_process_resident_memory_bytes')).toBeGreaterThan(0);
});

it('counts the threads reading files: one while an upload is read, none once nothing has come to read for a while', async () => {
  const threads = async () => metric(await (await fetch(`${t.url}/metrics`)).text(), 'sheethook_reading_threads');
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(20) }));
  // The thread outlives its file by ten polls (of 50 ms here): long enough to be seen.
  await waitFor(async () => (await threads()) === 1, 'a reading thread');
  await waitForFinal(t, res.body.uploadId);
  await waitFor(async () => (await threads()) === 0, 'no reading thread once idle');
});

it('echoes a caller request id, or makes one', async () => {
  const given = await fetch(`${t.url}/health`, { headers: { 'x-request-id': 'abc-123' } });
  expect(given.headers.get('x-request-id')).toBe('abc-123');
  const made = await fetch(`${t.url}/health`);
  expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
});

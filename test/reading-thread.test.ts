// The thread that reads files stays a while for the next upload after a small file, and ends as soon as it has read
// a large one, which grows its heap: its memory is the service's until it ends.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

/** Ten polls of this keep a small file's thread for 30 s: longer than any wait below. */
const POLL_MS = 3000;
/** A file of more rows fails once this many are read. */
const MAX_ROWS = 100_000;

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService({ SHEETHOOK_POLL_INTERVAL_MS: String(POLL_MS), SHEETHOOK_MAX_ROWS: String(MAX_ROWS) });
  receiver = await startReceiver(() => ({ status: 200 }));
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 1000 } });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

const threads = async () => {
  const line = (await (await fetch(`${t.url}/metrics`)).text()).split('\n').find((l) => l.startsWith('sheethook_reading_threads '));
  return Number(line?.split(' ').pop());
};

/** The upload's final status and error. */
const importPeople = async (rows: number) => {
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(rows) }));
  expect(res.status).toBe(202);
  const final = await waitForFinal(t, res.body.uploadId, 60_000);
  return { status: final.status, error: final.error };
};

/** Two polls: a thread kept for the next upload is still there. */
const twoPolls = () => new Promise((resolve) => setTimeout(resolve, 2 * POLL_MS));

it('keeps the thread after a small file, and ends it once a large file is read, to its end or not', { timeout: 120_000 }, async () => {
  expect(await importPeople(20)).toEqual({ status: 'completed', error: null });
  await twoPolls();
  expect(await threads()).toBe(1);

  // Sixty thousand rows are far more than a kept thread may have read: it ends with the file, not ten polls later.
  expect(await importPeople(60_000)).toEqual({ status: 'completed', error: null });
  await waitFor(async () => (await threads()) === 0, 'the reading thread to end', 3 * POLL_MS);

  // A small file again: a new thread, kept.
  expect(await importPeople(20)).toEqual({ status: 'completed', error: null });
  await twoPolls();
  expect(await threads()).toBe(1);

  // A file that fails part-way, after more rows than that: the thread ends too.
  expect(await importPeople(MAX_ROWS + 10_000)).toEqual({
    status: 'failed', error: `the file has more than ${MAX_ROWS} data rows, the most one upload may have`,
  });
  await waitFor(async () => (await threads()) === 0, 'the reading thread to end after a failed file', 3 * POLL_MS);
});

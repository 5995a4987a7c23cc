// The thread that reads files stays a while for the next upload after a small file, and ends as soon as it has read
// one large enough to have grown its heap: its memory is the service's until it ends.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

/** Ten polls of this keep a small file's thread for 30 s: longer than any wait below. */
const POLL_MS = 3000;

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService({ SHEETHOOK_POLL_INTERVAL_MS: String(POLL_MS) });
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

const importPeople = async (rows: number) => {
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(rows) }));
  expect(res.status).toBe(202);
  const final = await waitForFinal(t, res.body.uploadId, 60_000);
  expect(final.status).toBe('completed');
};

it('keeps the thread after a small file, and ends it once a large file is read', { timeout: 120_000 }, async () => {
  await importPeople(20);
  // Two polls later, the thread is still there for the next upload.
  await new Promise((resolve) => setTimeout(resolve, 2 * POLL_MS));
  expect(await threads()).toBe(1);

  // Twenty thousand rows grow the thread's heap past what is kept: it ends at the next poll, not ten polls later.
  await importPeople(20_000);
  await waitFor(async () => (await threads()) === 0, 'the reading thread to end', 3 * POLL_MS);
});

// Uploads are delivered side by side: a receiver that hangs holds up only its own upload's pages.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let t: TestService;
let slow: Receiver;
let fast: Receiver;

beforeAll(async () => {
  t = await startService();
  slow = await startReceiver(() => ({ hang: true }));
  fast = await startReceiver();
  for (const [code, receiver] of [['slow', slow], ['fast', fast]] as const) {
    await t.api('POST', '/v1/templates', { code, name: code, columns: PEOPLE_COLUMNS });
    await t.api('PUT', `/v1/templates/${code}/destination`, { webhook: { callbackUrl: receiver.url, chunkSize: 10, timeoutMs: 3000 } });
  }
});

afterAll(async () => {
  await t?.stop();
  await slow?.close();
  await fast?.close();
});

it('delivers every page of one upload while another waits on a hanging receiver', async () => {
  const a = await t.api('POST', '/v1/imports', importForm({ template: 'slow', file: peopleCsv(30) }));
  await waitFor(() => slow.received.length === 1, 'the slow receiver to get its first page');
  const b = await t.api('POST', '/v1/imports', importForm({ template: 'fast', file: peopleCsv(50) }));
  expect(await waitForFinal(t, b.body.uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 5 });
  expect(fast.received.map((r) => r.body.page)).toEqual([1, 2, 3, 4, 5]);
  // Meanwhile the slow upload has sent nothing past its first page: pages go one at a time, in order.
  expect(slow.received.map((r) => r.body.page)).toEqual([1]);
  expect((await t.api('GET', `/v1/uploads/${a.body.uploadId}`)).body.status).toBe('delivering');
});

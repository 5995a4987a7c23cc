// Redelivery sends the undelivered pages again (or the pages asked for), with the same webhook-id, and the status follows.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10 } });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

it('redelivers only the failed pages, then the pages asked for', async () => {
  receiver.answer = (r) => (r.body.page === 2 || r.body.page === 4 ? { status: 500 } : { status: 200 });
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(40) }));
  const { uploadId } = res.body;
  expect(await waitForFinal(t, uploadId)).toMatchObject({ status: 'completed_with_failures', pagesFailed: 2 });
  const firstIds = new Map(receiver.received.map((r) => [r.body.page, r.headers['webhook-id']]));

  receiver.received.length = 0;
  receiver.answer = () => ({ status: 200 });
  const again = await t.api('POST', `/v1/uploads/${uploadId}/redeliver`);
  expect(again.status).toBe(202);
  expect(again.body.pages).toEqual([2, 4]);
  expect(await waitForFinal(t, uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 4, pagesFailed: 0 });
  expect(receiver.received.map((r) => r.body.page)).toEqual([2, 4]);
  for (const r of receiver.received) expect(r.headers['webhook-id']).toBe(firstIds.get(r.body.page));

  receiver.received.length = 0;
  const chosen = await t.api('POST', `/v1/uploads/${uploadId}/redeliver`, { pages: [3] });
  expect(chosen.body.pages).toEqual([3]);
  await waitForFinal(t, uploadId);
  expect(receiver.received.map((r) => r.body.page)).toEqual([3]);
  expect(receiver.received[0].headers['webhook-id']).toBe(firstIds.get(3));

  const log = (await t.api('GET', `/v1/uploads/${uploadId}/deliveries`)).body.pages;
  expect(log[1].attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['http_error', 'delivered']);
});

it('refuses pages that are not in the upload, naming them', async () => {
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(5) }));
  await waitForFinal(t, res.body.uploadId);
  const bad = await t.api('POST', `/v1/uploads/${res.body.uploadId}/redeliver`, { pages: [1, 9] });
  expect(bad.status).toBe(400);
  expect(bad.body.detail).toMatch(/pages: 9 not in this upload/);
  const none = await t.api('POST', `/v1/uploads/00000000-0000-4000-8000-000000000000/redeliver`);
  expect(none.status).toBe(404);
});

// The delivery log keeps what a receiver answered as it was: quotes, backslashes and any text round-trip through the
// statements that record attempts, and a NUL (which PostgreSQL text cannot hold) does not stop a page from settling.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, type TestService } from './support/service.ts';
import { runImport } from './support/import-run.ts';
import { PEOPLE_COLUMNS } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  const res = await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10, retryCount: 1, retryInterval: 10 } });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

it('logs each answer as the receiver gave it, and settles a page whose answer holds a NUL', async () => {
  const tricky = `it's a \\ "test"; DROP TABLE chunks; -- ✓ Zoë \n\t$1 $$ E'\\\\'`;
  const { final, log } = await runImport(t, receiver, 20, ({ body }) => (body.page === 1
    ? { status: 500, body: tricky }
    : { status: 200, body: 'nul:\u0000:end' }));
  expect(final).toMatchObject({ status: 'completed_with_failures', pagesFailed: 1, pagesDelivered: 1 });
  expect(log[0].attempts.map((a: { responseExcerpt: string }) => a.responseExcerpt)).toEqual([tricky, tricky]);
  expect(log[1].attempts).toEqual([expect.objectContaining({ outcome: 'delivered', responseExcerpt: 'nul:\uFFFD:end' })]);
});

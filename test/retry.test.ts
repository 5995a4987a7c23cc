// A failing receiver gets retryCount further attempts retryInterval apart; then the chunk is undelivered and the next goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Answer, type Receiver } from './support/receiver.ts';
import { startService, type TestService } from './support/service.ts';
import { runImport } from './support/import-run.ts';
import { PEOPLE_COLUMNS } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

async function destination(webhook: Record<string, unknown>) {
  const res = await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10, ...webhook } });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

describe('retries', () => {
  it('does not retry by default: a 500 leaves the chunk undelivered and the next page still goes', async () => {
    await destination({});
    const { final, log } = await runImport(t, receiver, 30, ({ body }) => (body?.page === 2 ? { status: 500, body: 'boom' } : { status: 200 }));
    expect(receiver.received.map((r) => r.body.page)).toEqual([1, 2, 3]);
    expect(final).toMatchObject({ status: 'completed_with_failures', pagesDelivered: 2, pagesFailed: 1 });
    expect(log[1]).toMatchObject({ page: 2, status: 'failed' });
    expect(log[1].attempts).toEqual([expect.objectContaining({ outcome: 'http_error', httpStatus: 500, responseExcerpt: 'boom' })]);
  });

  it('retries a chunk retryCount times with the same webhook-id, at least retryInterval apart, before the next page', async () => {
    await destination({ retryCount: 3, retryInterval: 200 });
    const { final, log } = await runImport(t, receiver, 20, ({ n }) => (n <= 3 ? { status: 503 } : { status: 200 }));
    expect(final.status).toBe('completed');
    expect(receiver.received.map((r) => r.body.page)).toEqual([1, 1, 1, 1, 2]);
    expect(new Set(receiver.received.slice(0, 4).map((r) => r.headers['webhook-id'])).size).toBe(1);
    const starts = log[0].attempts.map((a: { at: string }) => Date.parse(a.at));
    expect(log[0].attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['http_error', 'http_error', 'http_error', 'delivered']);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(200);
  });

  it('retries on 429, timeouts and resets, and gives up after the last retry with a failure log', async () => {
    // A timeout long enough that a reset is seen as one on a busy machine; the hang still runs into it.
    await destination({ retryCount: 2, retryInterval: 10, timeoutMs: 1000 });
    const answers: Answer[] = [{ status: 429 }, { hang: true }, { reset: true }];
    const { final, log } = await runImport(t, receiver, 10, ({ n }) => answers[n - 1] ?? { status: 200 });
    expect(receiver.received).toHaveLength(3);
    expect(final).toMatchObject({ status: 'failed', pagesFailed: 1, pagesDelivered: 0 });
    expect(final.error).toMatch(/no page could be delivered/);
    expect(log[0].attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['http_error', 'timeout', 'connection_reset']);
    expect(log[0].attempts[0].httpStatus).toBe(429);
  });

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    await destination({ retryCount: 0 });
    const { final, log } = await runImport(t, receiver, 5, () => ({ status: 302, headers: { location: `${receiver.url}?moved` } }));
    expect(receiver.received).toHaveLength(1);
    expect(final.status).toBe('failed');
    expect(log[0].attempts[0]).toMatchObject({ outcome: 'http_error', httpStatus: 302 });
  });

  it('counts a refused connection as a failed attempt', async () => {
    const closed = await startReceiver();
    const url = closed.url;
    await closed.close();
    const res = await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: url, retryCount: 1, retryInterval: 10 } });
    expect(res.status).toBe(200);
    const { final, log } = await runImport(t, receiver, 3, () => ({ status: 200 }));
    expect(final.status).toBe('failed');
    expect(log[0].attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['connection_refused', 'connection_refused']);
  });
});

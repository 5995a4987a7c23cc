// A receiver's Retry-After outlasts a short retryInterval, and exponential backoff widens the gaps; each attempt is signed anew.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Answer, type Receiver } from './support/receiver.ts';
import { startService, type TestService } from './support/service.ts';
import { runImport } from './support/import-run.ts';
import { PEOPLE_COLUMNS } from './support/files.ts';

let t: TestService;
let receiver: Receiver;
let secret: string;

async function destination(webhook: Record<string, unknown>) {
  const res = await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10, ...webhook } });
  expect(res.status).toBe(200);
  secret ??= res.body.signingSecret;
}

const attemptStarts = (page: { attempts: { at: string }[] }) => page.attempts.map((a) => Date.parse(a.at));

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

describe('retry beyond the seeds', () => {
  it('waits as long as a 429 Retry-After asks, though retryInterval is 50 ms, and signs each attempt with its own timestamp', async () => {
    await destination({ retryCount: 1, retryInterval: 50 });
    const { final, log } = await runImport(t, receiver, 5, ({ n }) => (n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    expect(final.status).toBe('completed');
    expect(log[0].attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['http_error', 'delivered']);
    const [first, second] = attemptStarts(log[0]);
    expect(second - first).toBeGreaterThanOrEqual(1000);

    expect(receiver.received).toHaveLength(2);
    const [a, b] = receiver.received;
    expect(a.headers['webhook-id']).toBe(b.headers['webhook-id']);
    expect(Number(b.headers['webhook-timestamp'])).toBeGreaterThan(Number(a.headers['webhook-timestamp']));
    expect(a.headers['webhook-signature']).not.toBe(b.headers['webhook-signature']);
    for (const r of [a, b]) expect(() => new Webhook(secret).verify(r.raw, r.headers as Record<string, string>)).not.toThrow();
  });

  it('honours a Retry-After given as an HTTP-date on a 503', async () => {
    await destination({ retryCount: 1, retryInterval: 0 });
    const { final, log } = await runImport(t, receiver, 5, ({ n }) => (n === 1
      ? { status: 503, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } }
      : { status: 200 }));
    expect(final.status).toBe('completed');
    const [first, second] = attemptStarts(log[0]);
    // HTTP-dates have whole seconds: two seconds ahead is at least one second away.
    expect(second - first).toBeGreaterThanOrEqual(1000);
  });

  it('doubles the wait each retry with exponential backoff, never below retryInterval × 2^(n-1)', async () => {
    await destination({ retryCount: 3, retryInterval: 100, retryBackoff: 'exponential' });
    expect((await t.api('GET', '/v1/templates/people/destination')).body.webhook.retryBackoff).toBe('exponential');
    const { final, log } = await runImport(t, receiver, 5, ({ n }) => (n <= 3 ? { status: 500 } : { status: 200 }));
    expect(final.status).toBe('completed');
    const starts = attemptStarts(log[0]);
    expect(starts).toHaveLength(4);
    [100, 200, 400].forEach((least, i) => expect(starts[i + 1] - starts[i]).toBeGreaterThanOrEqual(least));
  });
});

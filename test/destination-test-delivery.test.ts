// A test delivery sends one signed sample page as a real delivery would, once, and answers with what the receiver said.
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, type TestService } from './support/service.ts';

let t: TestService;
let receiver: Receiver;
let secret: string;
const path = '/v1/templates/catalog/destination';

const COLUMNS = [
  { key: 'name', name: 'Name', type: 'string', required: true },
  { key: 'email', name: 'Email', type: 'email' },
  { key: 'age', name: 'Age', type: 'integer', min: 18 },
  { key: 'price', name: 'Price', type: 'number' },
  { key: 'active', name: 'Active', type: 'boolean' },
  { key: 'born', name: 'Born', type: 'date' },
  { key: 'plan', name: 'Plan', type: 'select', selectValues: ['Free', 'Pro'] },
  { key: 'sku', name: 'SKU', type: 'regex', regex: '^[A-Z]{3}-\\d{3}$' },
];

async function destination(webhook: Record<string, unknown>) {
  const res = await t.api('PUT', path, { webhook: { callbackUrl: receiver.url, ...webhook } });
  expect(res.status).toBe(200);
  secret ??= res.body.signingSecret;
}

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  expect((await t.api('POST', '/v1/templates', { code: 'catalog', name: 'Catalog', columns: COLUMNS })).status).toBe(201);
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

describe('test delivery', () => {
  it('answers 404 when the template has no destination, or there is no such template', async () => {
    expect((await t.api('POST', `${path}/test`)).status).toBe(404);
    expect((await t.api('POST', '/v1/templates/nope/destination/test')).status).toBe(404);
    expect(receiver.received).toHaveLength(0);
  });

  it('sends a sample page with the documented fields, typed records, the auth header and a signature', async () => {
    await destination({ authHeaderName: 'X-Api-Key', chunkSize: 1 });
    receiver.received.length = 0;
    const res = await t.api('POST', `${path}/test`, { authHeaderValue: 'key-for-the-test' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      webhookId: expect.stringMatching(/^msg_[0-9a-f]{32}$/),
      outcome: 'delivered', httpStatus: 200, durationMs: expect.any(Number), error: null, responseExcerpt: 'ok',
    });

    expect(receiver.received).toHaveLength(1);
    const [got] = receiver.received;
    expect(Object.keys(got.body).sort()).toEqual(['data', 'extra', 'page', 'pageSize', 'template', 'totalPages', 'totalRecords', 'uploadId']);
    expect(got.body).toMatchObject({ template: 'catalog', uploadId: 'test', page: 1, totalPages: 1, extra: null });
    expect(got.body.data.length).toBeGreaterThanOrEqual(1);
    expect(got.body.data.length).toBeLessThanOrEqual(2);
    expect(got.body.pageSize).toBe(got.body.data.length);
    expect(got.body.totalRecords).toBe(got.body.data.length);
    for (const record of got.body.data) {
      expect(Object.keys(record)).toEqual(COLUMNS.map((c) => c.key));
      expect(record).toMatchObject({
        name: expect.any(String), email: expect.stringMatching(/@/), price: expect.any(Number), active: expect.any(Boolean),
        born: expect.stringMatching(/^\d{4}-\d{2}-\d{2}/), sku: expect.stringMatching(/^[A-Z]{3}-\d{3}$/),
      });
      expect(Number.isInteger(record.age) && record.age >= 18).toBe(true);
      expect(['Free', 'Pro']).toContain(record.plan);
    }

    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-api-key']).toBe('key-for-the-test');
    expect(got.headers['webhook-id']).toBe(res.body.webhookId);
    expect(() => new Webhook(secret).verify(got.raw, got.headers as Record<string, string>)).not.toThrow();
  });

  it('uses a fresh webhook-id each time, sends no auth header without a value, and creates no upload', async () => {
    receiver.received.length = 0;
    const a = await t.api('POST', `${path}/test`);
    const b = await t.api('POST', `${path}/test`, {});
    expect(a.body.outcome).toBe('delivered');
    expect(a.body.webhookId).not.toBe(b.body.webhookId);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([a.body.webhookId, b.body.webhookId]);
    expect(receiver.received[0].headers['x-api-key']).toBeUndefined();
    expect((await t.api('GET', '/v1/uploads')).body.uploads).toEqual([]);
  });

  it('reports a receiver failure as a 200 with its status and body, and does not retry it', async () => {
    await destination({ retryCount: 3, retryInterval: 10 });
    receiver.received.length = 0;
    receiver.answer = () => ({ status: 503, body: 'down for maintenance' });
    const res = await t.api('POST', `${path}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'http_error', httpStatus: 503, error: 'HTTP 503', responseExcerpt: 'down for maintenance' });
    // A retry would be due 10 ms after the failure: the next test send, answered, is the only request that follows.
    receiver.answer = () => ({ status: 200 });
    const next = await t.api('POST', `${path}/test`);
    expect(next.body).toMatchObject({ outcome: 'delivered' });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].headers['webhook-id']).toBe(next.body.webhookId);
  });

  it('reports a timeout and a refused connection as outcomes, not as errors of its own', async () => {
    await destination({ timeoutMs: 200 });
    receiver.answer = () => ({ hang: true });
    const slow = await t.api('POST', `${path}/test`);
    expect(slow.status).toBe(200);
    expect(slow.body).toMatchObject({ outcome: 'timeout', httpStatus: null, responseExcerpt: null });
    expect(slow.body.error).toMatch(/200 ms/);
    receiver.answer = () => ({ status: 200 });

    const closed = await startReceiver();
    await closed.close();
    expect((await t.api('PUT', path, { webhook: { callbackUrl: closed.url } })).status).toBe(200);
    const refused = await t.api('POST', `${path}/test`);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ outcome: 'connection_refused', httpStatus: null });
  });
});

describe('test delivery to a blocked address', () => {
  let strict: TestService;
  afterAll(async () => { await strict?.stop(); });

  it('goes through the address guard: a destination the guard refuses is reported as address_blocked', async () => {
    // Written straight into the store, as a destination saved before an operator narrowed the allowlist would be.
    strict = await startService({ SHEETHOOK_DESTINATION_ALLOWLIST: '' });
    await strict.api('POST', '/v1/templates', { code: 'catalog', name: 'Catalog', columns: COLUMNS });
    await strict.service.store.db.execute(sql`INSERT INTO destinations (template_id, callback_url, chunk_size, retry_count, retry_interval_ms, timeout_ms)
        SELECT id, ${receiver.url}, 100, 0, 1000, 1000 FROM templates WHERE code = 'catalog'`);
    receiver.received.length = 0;
    const res = await strict.api('POST', `${path}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'address_blocked', httpStatus: null });
    expect(res.body.error).toMatch(/SHEETHOOK_DESTINATION_ALLOWLIST/);
    expect(receiver.received).toHaveLength(0);
  });
});

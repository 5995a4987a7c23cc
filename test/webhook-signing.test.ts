// Deliveries carry Standard Webhooks signatures a receiver verifies with the standardwebhooks package, through a secret rotation.
import { sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/store/db.ts';
import { startReceiver, type Received, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let t: TestService;
let receiver: Receiver;
const path = '/v1/templates/people/destination';

/** What a receiver does: verify the raw body against the headers with its secret. */
function verifies(secret: string, r: Received): boolean {
  try {
    new Webhook(secret).verify(r.raw, r.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

async function importAndReceive(rowCount = 3): Promise<Received[]> {
  receiver.received.length = 0;
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(rowCount) }));
  expect(res.status).toBe(202);
  expect((await waitForFinal(t, res.body.uploadId)).status).toBe('completed');
  return [...receiver.received];
}

async function testDelivery(): Promise<Received> {
  receiver.received.length = 0;
  const res = await t.api('POST', `${path}/test`);
  expect(res.body).toMatchObject({ outcome: 'delivered', httpStatus: 200 });
  expect(receiver.received).toHaveLength(1);
  return receiver.received[0];
}

const signatures = (r: Received) => String(r.headers['webhook-signature']).split(' ');
const sleepUntil = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms - Date.now())));

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

describe('webhook signatures', () => {
  let first: string;

  it('shows the signing secret once, in the answer that creates the destination, and keeps it encrypted', async () => {
    const created = await t.api('PUT', path, { webhook: { callbackUrl: receiver.url, chunkSize: 2 } });
    expect(created.status).toBe(200);
    first = created.body.signingSecret;
    expect(first).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const bytes = Buffer.from(first.slice('whsec_'.length), 'base64');
    expect(bytes.length).toBeGreaterThanOrEqual(24);
    expect(bytes.length).toBeLessThanOrEqual(32);

    const again = await t.api('PUT', path, { webhook: { callbackUrl: receiver.url, chunkSize: 2 } });
    expect(again.status).toBe(200);
    expect(again.body.signingSecret).toBeUndefined();
    const read = await t.api('GET', path);
    expect(JSON.stringify(read.body)).not.toContain(first.slice(6, 20));
    expect(read.body.signingSecret).toBeUndefined();

    const [stored] = await rows<{ signing_secret: string }>(t.service.store.db, sql`SELECT signing_secret FROM destinations`);
    expect(stored.signing_secret).toMatch(/^v1:/);
    expect(stored.signing_secret).not.toContain(first.slice(6));
  });

  it('signs every page so that the standardwebhooks package verifies it with the secret, and not with another', async () => {
    const got = await importAndReceive(5);
    expect(got.map((r) => r.body.page)).toEqual([1, 2, 3]);
    const stranger = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    for (const r of got) {
      expect(signatures(r)).toHaveLength(1);
      expect(signatures(r)[0]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
      expect(verifies(first, r)).toBe(true);
      expect(verifies(stranger, r)).toBe(false);
      // The signature covers the body exactly: a changed byte fails verification.
      expect(verifies(first, { ...r, raw: r.raw.replace('"page":', '"page": ') })).toBe(false);
    }
  });

  it('signs with both secrets during the grace period of a rotation, and with the new one only after it', async () => {
    const rotated = await t.api('POST', `${path}/rotate-secret`, { graceSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const second: string = rotated.body.signingSecret;
    expect(second).toMatch(/^whsec_/);
    expect(second).not.toBe(first);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(3500_000);

    // During the grace: an import's pages carry the new signature and the old one, and either secret verifies.
    for (const r of await importAndReceive(3)) {
      expect(signatures(r)).toHaveLength(2);
      expect(verifies(second, r)).toBe(true);
      expect(verifies(first, r)).toBe(true);
    }

    // A second rotation with a short grace: the secret it replaces signs for that long, the one before stops at once.
    // Long enough for a test send on a busy machine to fall inside it.
    const short = await t.api('POST', `${path}/rotate-secret`, { graceSeconds: 6 });
    expect(short.status).toBe(200);
    const third: string = short.body.signingSecret;
    const graceEnds = Date.parse(short.body.previousSecretExpiresAt);
    const during = await testDelivery();
    expect(Date.now()).toBeLessThan(graceEnds);
    expect(signatures(during)).toHaveLength(2);
    expect(verifies(third, during)).toBe(true);
    expect(verifies(second, during)).toBe(true);
    expect(verifies(first, during)).toBe(false);

    await sleepUntil(graceEnds + 100);
    for (const r of [...(await importAndReceive(3)), await testDelivery()]) {
      expect(signatures(r)).toHaveLength(1);
      expect(verifies(third, r)).toBe(true);
      expect(verifies(second, r)).toBe(false);
      expect(verifies(first, r)).toBe(false);
    }
  });

  it('drops the old secret at once with graceSeconds 0, and refuses a grace over 7 days', async () => {
    const now = await t.api('POST', `${path}/rotate-secret`, { graceSeconds: 0 });
    expect(now.body.previousSecretExpiresAt).toBeNull();
    const r = await testDelivery();
    expect(signatures(r)).toHaveLength(1);
    expect(verifies(now.body.signingSecret, r)).toBe(true);

    const tooLong = await t.api('POST', `${path}/rotate-secret`, { graceSeconds: 7 * 86400 + 1 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.detail).toMatch(/graceSeconds/);
    // The refused rotation changed nothing.
    expect(verifies(now.body.signingSecret, await testDelivery())).toBe(true);
  });

  it('gives a destination saved before signing existed a secret at its next save or rotation; until then it is unsigned', async () => {
    await t.api('POST', '/v1/templates', { code: 'legacy', name: 'Legacy', columns: PEOPLE_COLUMNS });
    await t.service.store.db.execute(sql`
      INSERT INTO destinations (template_id, callback_url, chunk_size, retry_count, retry_interval_ms, timeout_ms)
      SELECT id, ${receiver.url}, 100, 0, 1000, 5000 FROM templates WHERE code = 'legacy'`);
    const legacy = '/v1/templates/legacy/destination';
    receiver.received.length = 0;
    expect((await t.api('POST', `${legacy}/test`)).body.outcome).toBe('delivered');
    expect(receiver.received[0].headers['webhook-signature']).toBeUndefined();

    const saved = await t.api('PUT', legacy, { webhook: { callbackUrl: receiver.url } });
    expect(saved.body.signingSecret).toMatch(/^whsec_/);
    expect((await t.api('PUT', legacy, { webhook: { callbackUrl: receiver.url } })).body.signingSecret).toBeUndefined();
    receiver.received.length = 0;
    await t.api('POST', `${legacy}/test`);
    expect(verifies(saved.body.signingSecret, receiver.received[0])).toBe(true);

    // Rotating a destination that had no secret leaves nothing to keep in grace.
    await t.service.store.db.execute(sql`UPDATE destinations SET signing_secret = NULL
      WHERE template_id = (SELECT id FROM templates WHERE code = 'legacy')`);
    const rotated = await t.api('POST', `${legacy}/rotate-secret`, { graceSeconds: 60 });
    expect(rotated.body.previousSecretExpiresAt).toBeNull();
    receiver.received.length = 0;
    await t.api('POST', `${legacy}/test`);
    expect(signatures(receiver.received[0])).toHaveLength(1);
    expect(verifies(rotated.body.signingSecret, receiver.received[0])).toBe(true);
  });

  it('keeps a day of grace when no body is sent, and answers 404 for a template without destination', async () => {
    const before = Date.now();
    const res = await t.api('POST', `${path}/rotate-secret`);
    expect(res.status).toBe(200);
    const grace = Date.parse(res.body.previousSecretExpiresAt) - before;
    expect(grace).toBeGreaterThan(86_400_000 - 60_000);
    expect(grace).toBeLessThan(86_400_000 + 60_000);

    await t.api('POST', '/v1/templates', { code: 'bare', name: 'Bare', columns: PEOPLE_COLUMNS });
    expect((await t.api('POST', '/v1/templates/bare/destination/rotate-secret', {})).status).toBe(404);
    expect((await t.api('POST', '/v1/templates/nope/destination/rotate-secret', {})).status).toBe(404);
  });
});

// A destination's concurrency: up to that many of an upload's lowest unsettled pages in flight at once, never more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Received, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  // Eight chunks in flight in the process: more than one destination's concurrency, so the destination is what limits.
  t = await startService({ SHEETHOOK_DELIVERY_CONCURRENCY: '8' });
  receiver = await startReceiver();
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

async function template(code: string, webhook: Record<string, unknown>) {
  expect((await t.api('POST', '/v1/templates', { code, name: code, columns: PEOPLE_COLUMNS })).status).toBe(201);
  const res = await t.api('PUT', `/v1/templates/${code}/destination`, { webhook: { callbackUrl: receiver.url, ...webhook } });
  expect(res.status).toBe(200);
}

async function startImport(code: string, rows: number): Promise<string> {
  const res = await t.api('POST', '/v1/imports', importForm({ template: code, file: peopleCsv(rows) }));
  expect(res.status).toBe(202);
  return res.body.uploadId;
}

describe('concurrency', () => {
  it('keeps up to `concurrency` lowest unsettled pages of one upload in flight, never more, each page once with its own webhook-id', async () => {
    await template('wide', { chunkSize: 10, concurrency: 4, retryCount: 2, retryInterval: 300 });
    receiver.received.length = 0;
    receiver.maxOpen = 0;
    let page3Tries = 0;
    // Page 3 fails its first attempt: while it waits for its retry it holds its place in the window.
    receiver.answer = (r) => (r.body.page === 3 && ++page3Tries === 1 ? { status: 503 } : { status: 200, delayMs: 150 });
    const uploadId = await startImport('wide', 200);
    expect(await waitForFinal(t, uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 20, totalPages: 20 });

    // Four pages were in flight at once, and never a fifth.
    expect(receiver.maxOpen).toBe(4);
    // A page goes out only while it is among the four lowest unsettled pages: fewer than four pages below it await
    // their last answer. (The receiver sees a page settled a moment before the service does: this errs on the lenient side.)
    const settledAt = new Map<number, number>();
    for (const r of receiver.received) settledAt.set(r.body.page, Math.max(settledAt.get(r.body.page) ?? 0, r.answeredAt!));
    for (const r of receiver.received) {
      const unsettledBelow = [...settledAt].filter(([page, at]) => page < r.body.page && at > r.at).map(([page]) => page);
      expect(unsettledBelow.length, `page ${r.body.page} went while pages ${unsettledBelow} were unsettled`).toBeLessThanOrEqual(3);
    }
    expect(page3Tries).toBe(2);

    // Every page exactly once (page 3 twice: its retry), each with a webhook-id of its own, the same on its retry.
    const byPage = new Map<number, Received[]>();
    for (const r of receiver.received) byPage.set(r.body.page, [...(byPage.get(r.body.page) ?? []), r]);
    expect([...byPage.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const [page, got] of byPage) expect(got.length, `page ${page}`).toBe(page === 3 ? 2 : 1);
    expect(new Set(byPage.get(3)!.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const ids = [...byPage.values()].map((got) => got[0].headers['webhook-id']);
    expect(new Set(ids).size).toBe(20);
    const log = (await t.api('GET', `/v1/uploads/${uploadId}/deliveries`)).body.pages as { page: number; webhookId: string }[];
    for (const { page, webhookId } of log) expect(byPage.get(page)![0].headers['webhook-id']).toBe(webhookId);
    const rows = receiver.received.filter((r, i, all) => all.findIndex((o) => o.body.page === r.body.page) === i)
      .flatMap((r) => r.body.data.map((d: { email: string }) => d.email));
    expect(new Set(rows).size).toBe(200);
  });

  it('sends one page at a time by default, in order', async () => {
    await template('narrow', { chunkSize: 10 });
    receiver.received.length = 0;
    receiver.maxOpen = 0;
    receiver.answer = () => ({ status: 200, delayMs: 30 });
    const uploadId = await startImport('narrow', 60);
    expect(await waitForFinal(t, uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 6 });
    expect(receiver.maxOpen).toBe(1);
    expect(receiver.received.map((r) => r.body.page)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('a process with room for one chunk at a time', () => {
  let one: TestService;
  beforeAll(async () => {
    one = await startService({ SHEETHOOK_DELIVERY_CONCURRENCY: '1' });
  });
  afterAll(async () => {
    await one?.stop();
  });

  it('delivers two uploads started together, each in order and each page once, never two requests at once', async () => {
    for (const code of ['first', 'second']) {
      expect((await one.api('POST', '/v1/templates', { code, name: code, columns: PEOPLE_COLUMNS })).status).toBe(201);
      expect((await one.api('PUT', `/v1/templates/${code}/destination`, { webhook: { callbackUrl: receiver.url, chunkSize: 10 } })).status).toBe(200);
    }
    receiver.received.length = 0;
    receiver.maxOpen = 0;
    receiver.answer = () => ({ status: 200, delayMs: 5 });
    const started = await Promise.all(['first', 'second'].map((code) => one.api('POST', '/v1/imports', importForm({ template: code, file: peopleCsv(100) }))));
    for (const res of started) expect(await waitForFinal(one, res.body.uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 10 });
    expect(receiver.maxOpen).toBe(1);
    for (const res of started) {
      const pages = receiver.received.filter((r) => r.body.uploadId === res.body.uploadId).map((r) => r.body.page);
      expect(pages).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
  });
});

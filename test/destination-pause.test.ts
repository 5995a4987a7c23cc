// Pausing a destination: its uploads are read and confirmed as usual, their pages stay pending, untried, while the
// workers go on delivering other destinations' pages; resumed, the pages go out in order and the upload completes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServiceHome, TEST_STORE, type ServiceHome } from './support/home.ts';
import { startReceiver, type Answer, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let t: TestService;
let receiver: Receiver;
/** The receiver of another template, never paused: its upload completing shows that the workers went on claiming. */
let live: Receiver;

const path = '/v1/templates/people/destination';

beforeAll(async () => {
  [t, receiver, live] = await Promise.all([startService(), startReceiver(), startReceiver()]);
  await setUp(t, receiver, live);
});

afterAll(async () => {
  await Promise.all([t?.stop(), receiver?.close(), live?.close()]);
});

async function setUp(s: Pick<TestService, 'api'>, paused: Receiver, other: Receiver) {
  for (const [code, r] of [['people', paused], ['live', other]] as const) {
    expect((await s.api('POST', '/v1/templates', { code, name: code, columns: PEOPLE_COLUMNS })).status).toBe(201);
    expect((await s.api('PUT', `/v1/templates/${code}/destination`, { webhook: { callbackUrl: r.url, chunkSize: 10 } })).status).toBe(200);
  }
}

async function startImport(s: Pick<TestService, 'api'>, template: string, rows: number): Promise<string> {
  const res = await s.api('POST', '/v1/imports', importForm({ template, file: peopleCsv(rows) }));
  expect(res.status).toBe(202);
  return res.body.uploadId;
}

/** Waits until the upload is confirmed and delivering with `pending` of its pages pending. */
async function waitPending(s: Pick<TestService, 'api'>, uploadId: string, pending: number) {
  return waitFor(async () => {
    const { body } = await s.api('GET', `/v1/uploads/${uploadId}`);
    return body.status === 'delivering' && body.pagesPending === pending ? body : undefined;
  }, `upload ${uploadId} to be delivering with ${pending} pages pending`);
}

/**
 * Imports to the destination that is not paused and waits for it to complete: its pages were claimed by the same
 * workers after the paused upload's pages were due, so those were passed over, not merely not reached yet.
 */
async function workersWentOn(s: Pick<TestService, 'api'>) {
  const other = await startImport(s, 'live', 25);
  expect((await waitForFinal(s, other)).status).toBe('completed');
}

async function expectUntried(s: Pick<TestService, 'api'>, uploadId: string, pages: number[]) {
  const log = (await s.api('GET', `/v1/uploads/${uploadId}/deliveries?status=pending`)).body.pages;
  expect(log.map((p: { page: number }) => p.page)).toEqual(pages);
  for (const p of log) expect(p.attempts, `page ${p.page}`).toEqual([]);
}

describe('pause and resume', () => {
  it('answer the destination with paused and pausedAt, as GET does; a PUT of its settings keeps it paused', async () => {
    const paused = await t.api('POST', `${path}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ webhook: { callbackUrl: receiver.url, chunkSize: 10 }, paused: true, pausedAt: expect.any(String) });
    expect(paused.body.pausedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await t.api('GET', path)).body).toEqual(paused.body);
    // Paused again: still since the first time.
    expect((await t.api('POST', `${path}/pause`)).body.pausedAt).toBe(paused.body.pausedAt);
    const put = await t.api('PUT', path, { webhook: { callbackUrl: receiver.url, chunkSize: 10 } });
    expect(put.body).toMatchObject({ paused: true, pausedAt: paused.body.pausedAt });

    const resumed = await t.api('POST', `${path}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ webhook: { callbackUrl: receiver.url }, paused: false, pausedAt: null });
    expect((await t.api('GET', path)).body).toEqual(resumed.body);
  });

  it('answer 404 for an unknown template and for a template without destination', async () => {
    expect((await t.api('POST', '/v1/templates/nope/destination/pause')).status).toBe(404);
    expect((await t.api('POST', '/v1/templates', { code: 'bare', name: 'bare', columns: PEOPLE_COLUMNS })).status).toBe(201);
    for (const action of ['pause', 'resume']) {
      const res = await t.api('POST', `/v1/templates/bare/destination/${action}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 'not_found', detail: 'destination of template "bare" not found' });
    }
  });
});

describe('deliveries to a paused destination', () => {
  it('wait, untried, while other destinations are delivered; resumed, every page arrives in order and the upload completes', async () => {
    receiver.received.length = 0;
    expect((await t.api('POST', `${path}/pause`)).status).toBe(200);
    const uploadId = await startImport(t, 'people', 45);
    await waitPending(t, uploadId, 5);
    await workersWentOn(t);
    await waitPending(t, uploadId, 5);
    expect(receiver.received).toEqual([]);
    await expectUntried(t, uploadId, [1, 2, 3, 4, 5]);

    expect((await t.api('POST', `${path}/resume`)).status).toBe(200);
    const final = await waitForFinal(t, uploadId);
    expect(final).toMatchObject({ status: 'completed', pagesDelivered: 5, pagesPending: 0 });
    expect(receiver.received.map((r) => r.body.page)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stop after the page on the wire when paused in the middle: no next page is claimed as it settles', async () => {
    receiver.received.length = 0;
    let release!: (a: Answer) => void;
    const held = new Promise<Answer>((resolve) => { release = resolve; });
    receiver.answer = (r) => (r.n === 1 ? { held } : { status: 200 });
    try {
      const uploadId = await startImport(t, 'people', 35);
      await waitFor(() => receiver.received.length === 1, 'page 1 to be on the wire');
      expect((await t.api('POST', `${path}/pause`)).status).toBe(200);
      release({ status: 200 });
      await waitPending(t, uploadId, 3);
      await workersWentOn(t);
      await waitPending(t, uploadId, 3);
      expect(receiver.received.map((r) => r.body.page)).toEqual([1]);
      await expectUntried(t, uploadId, [2, 3, 4]);

      expect((await t.api('POST', `${path}/resume`)).status).toBe(200);
      expect(await waitForFinal(t, uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 4 });
      expect(receiver.received.map((r) => r.body.page)).toEqual([1, 2, 3, 4]);
    } finally {
      receiver.answer = () => ({ status: 200 });
    }
  });
});

it.runIf(TEST_STORE === 'postgres')('holds across processes: paused through an API process, resumed there, delivered by workers of two others (PostgreSQL only)', async () => {
  let home: ServiceHome | undefined;
  const started: TestService[] = [];
  const [paused, other] = await Promise.all([startReceiver(), startReceiver()]);
  try {
    home = await makeServiceHome();
    const api = await startService({ SHEETHOOK_ROLE: 'api' }, home);
    started.push(api);
    for (let i = 0; i < 2; i++) started.push(await startService({ SHEETHOOK_ROLE: 'worker' }, home));
    await setUp(api, paused, other);
    expect((await api.api('POST', `${path}/pause`)).status).toBe(200);
    const uploadId = await startImport(api, 'people', 45);
    await waitPending(api, uploadId, 5);
    await workersWentOn(api);
    await waitPending(api, uploadId, 5);
    expect(paused.received).toEqual([]);

    expect((await api.api('POST', `${path}/resume`)).status).toBe(200);
    expect(await waitForFinal(api, uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 5 });
    expect(paused.received.map((r) => r.body.page)).toEqual([1, 2, 3, 4, 5]);
  } finally {
    for (const s of started) await s.stop();
    await home?.remove();
    await Promise.all([paused.close(), other.close()]);
  }
});

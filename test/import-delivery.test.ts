// An import through the API reaches a real receiver in ordered chunks with exactly the documented body and headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
  const put = await t.api('PUT', '/v1/templates/people/destination', {
    webhook: { callbackUrl: receiver.url, chunkSize: 100, authHeaderName: 'X-Api-Key' },
  });
  expect(put.status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

describe('server-side import', () => {
  it('delivers valid rows in page order, one request per chunk, with the documented fields only', async () => {
    receiver.received.length = 0;
    const invalid = new Set([7, 150, 240]);
    const res = await t.api('POST', '/v1/imports', importForm({
      template: 'people', file: peopleCsv(253, invalid), authHeaderValue: 'secret-value-123', extra: '{"userId":42,"tags":["a"]}',
    }));
    expect(res.status).toBe(202);
    const { uploadId } = res.body;
    expect(uploadId).toMatch(/^[0-9a-f-]{36}$/);

    const final = await waitForFinal(t, uploadId);
    expect(final).toMatchObject({
      status: 'completed', totalRecords: 253, validRecords: 250, invalidRecords: 3,
      totalPages: 3, pagesDelivered: 3, pagesFailed: 0,
    });

    expect(receiver.received.map((r) => r.body.page)).toEqual([1, 2, 3]);
    const [first, , last] = receiver.received;
    expect(Object.keys(first.body).sort()).toEqual(['data', 'extra', 'page', 'pageSize', 'template', 'totalPages', 'totalRecords', 'uploadId']);
    expect(first.body).toMatchObject({ template: 'people', uploadId, totalRecords: 250, totalPages: 3, page: 1, pageSize: 100 });
    expect(first.body.extra).toEqual({ userId: 42, tags: ['a'] });
    expect(last.body.pageSize).toBe(50);
    expect(last.body.data).toHaveLength(50);

    // Records are keyed by column key, in the template's order, typed by column type; text keeps its leading zeros.
    expect(Object.keys(first.body.data[0])).toEqual(['name', 'email', 'age', 'zip']);
    expect(first.body.data[0]).toEqual({ name: 'Person 1', email: 'p1@example.com', age: 21, zip: '00001' });
    const delivered = receiver.received.flatMap((r) => r.body.data.map((d: { name: string }) => d.name));
    expect(delivered).toHaveLength(250);
    expect(delivered).not.toContain('Person 7');
    expect(delivered).not.toContain('Person 150');
    expect(new Set(delivered).size).toBe(250);

    for (const r of receiver.received) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-api-key']).toBe('secret-value-123');
      expect(r.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(Number(r.headers['webhook-timestamp'])).toBeGreaterThan(1_600_000_000);
    }
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(3);
  });

  it('keeps invalid rows with their errors, and does not deliver them', async () => {
    receiver.received.length = 0;
    const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(5, new Set([2, 4])) }));
    const final = await waitForFinal(t, res.body.uploadId);
    expect(final).toMatchObject({ validRecords: 3, invalidRecords: 2 });
    const { body } = await t.api('GET', `/v1/uploads/${res.body.uploadId}/records?type=invalid`);
    expect(body.records.map((r: { row: number }) => r.row)).toEqual([2, 4]);
    expect(body.records[0].errors).toEqual({ email: expect.stringMatching(/Email/) });
    expect(body.records[0].data.email).toBe('broken-2');
  });

  it('fails an upload with no valid row, saying so, and sends nothing', async () => {
    receiver.received.length = 0;
    const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(3, new Set([1, 2, 3])) }));
    const final = await waitForFinal(t, res.body.uploadId);
    expect(final).toMatchObject({ status: 'failed', totalRecords: 3, validRecords: 0, invalidRecords: 3, totalPages: 0 });
    expect(final.error).toMatch(/no valid rows/);
    expect(receiver.received).toHaveLength(0);
  });

  it('sends extra as the string it was when it is not JSON, and null when not given', async () => {
    receiver.received.length = 0;
    const a = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(1), extra: 'plain text' }));
    await waitForFinal(t, a.body.uploadId);
    const b = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(1) }));
    await waitForFinal(t, b.body.uploadId);
    expect(receiver.received.map((r) => r.body.extra)).toEqual(['plain text', null]);
    // No auth header without a value for it.
    expect(receiver.received[1].headers['x-api-key']).toBeUndefined();
  });

  it('lists each page with its attempts in the delivery log', async () => {
    receiver.received.length = 0;
    const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(150) }));
    await waitForFinal(t, res.body.uploadId);
    const { body } = await t.api('GET', `/v1/uploads/${res.body.uploadId}/deliveries`);
    expect(body.pages).toHaveLength(2);
    expect(body.pages[0]).toMatchObject({ page: 1, status: 'delivered', recordCount: 100, webhookId: receiver.received[0].headers['webhook-id'] });
    expect(body.pages[0].attempts).toHaveLength(1);
    expect(body.pages[0].attempts[0]).toMatchObject({ outcome: 'delivered', httpStatus: 200, responseExcerpt: 'ok' });
    expect(typeof body.pages[0].attempts[0].durationMs).toBe('number');
  });

  it('builds each page of a long upload in its own bytes, pages read later into the buffers of pages answered', async () => {
    // More pages than one read ahead holds: the later ones are built in the buffers of the earlier, of other lengths.
    expect((await t.api('POST', '/v1/templates', { code: 'many-pages', name: 'Many pages', columns: PEOPLE_COLUMNS })).status).toBe(201);
    const put = await t.api('PUT', '/v1/templates/many-pages/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 7 } });
    expect(put.status).toBe(200);
    receiver.received.length = 0;
    const count = 1200;
    const res = await t.api('POST', '/v1/imports', importForm({ template: 'many-pages', file: peopleCsv(count) }));
    const pages = Math.ceil(count / 7);
    expect(await waitForFinal(t, res.body.uploadId)).toMatchObject({ status: 'completed', totalPages: pages, pagesDelivered: pages });
    expect(receiver.received.map((r) => r.body?.page)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    for (const r of receiver.received) {
      expect(Buffer.byteLength(r.raw)).toBe(Number(r.headers['content-length']));
      const first = (r.body.page - 1) * 7 + 1;
      const names = Array.from({ length: Math.min(7, count - first + 1) }, (_, i) => `Person ${first + i}`);
      expect(r.body).toMatchObject({ template: 'many-pages', uploadId: res.body.uploadId, totalRecords: count, pageSize: names.length, extra: null });
      expect(r.body.data.map((d: { name: string }) => d.name)).toEqual(names);
    }
  });
});

// The interactive flow: upload, fix the mapping, validate, review and edit records, confirm, and delivery follows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';
import { csv, importForm } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

const COLUMNS = [
  { key: 'name', name: 'Name', type: 'string', required: true },
  { key: 'email', name: 'Email', type: 'email', required: true, unique: true },
  { key: 'age', name: 'Age', type: 'integer' },
];

const FILE = csv([
  ['Customer export'],
  ['Generated 2024-05-01', ''],
  ['Customer', 'E-mail', 'Age', 'Notes'],
  ['Ann', 'ann@example.com', 31, 'first'],
  ['Bob', 'bob-at-example.com', 'forty', ''],
  ['Cid', 'cid@example.com', 22, ''],
  ['Dee', 'ann@example.com', 50, 'dup'],
  ['Eve', 'not-an-email', 28, ''],
]);

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'customers', name: 'Customers', columns: COLUMNS });
  await t.api('PUT', '/v1/templates/customers/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 2 } });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

async function reviewing(uploadId: string) {
  return waitFor(async () => {
    const { body } = await t.api('GET', `/v1/uploads/${uploadId}`);
    return body.status === 'reviewing' ? body : undefined;
  }, 'the upload to be ready for review');
}

describe('interactive import', () => {
  it('goes from upload to delivery through mapping, review, edits and confirm', async () => {
    const created = await t.api('POST', '/v1/uploads', importForm({ template: 'customers', file: FILE, extra: '{"tenant":"t1"}' }));
    expect(created.status).toBe(201);
    const { uploadId } = created.body;
    // The title rows are skipped; "E-mail" is matched, "Customer" is not confidently a name.
    expect(created.body).toMatchObject({ status: 'mapping', headerRow: 2, headerSheetRow: 3, sheet: null });
    expect(created.body.headings.map((h: { heading: string }) => h.heading)).toEqual(['Customer', 'E-mail', 'Age', 'Notes']);
    expect(created.body.columns).toEqual([
      { key: 'name', name: 'Name', required: true, heading: null },
      { key: 'email', name: 'Email', required: true, heading: 1 },
      { key: 'age', name: 'Age', required: false, heading: 2 },
    ]);
    expect(created.body.missingRequired).toEqual(['name']);
    expect(created.body.sample[0]).toEqual(['Ann', 'ann@example.com', '31', 'first']);
    expect(created.body.sampleSheetRows).toEqual([4, 5, 6, 7, 8]);
    expect(receiver.received).toHaveLength(0);

    const tooSoon = await t.api('POST', `/v1/uploads/${uploadId}/validate`);
    expect(tooSoon.status).toBe(400);
    expect(tooSoon.body.detail).toMatch(/required columns not found in the file: Name/);

    const bad = await t.api('PUT', `/v1/uploads/${uploadId}/mapping`, { mapping: { name: 1, email: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/heading 1/);
    expect((await t.api('PUT', `/v1/uploads/${uploadId}/mapping`, { mapping: { colour: 0 } })).body.detail).toMatch(/no column "colour"/);
    // Giving a heading to another column takes it from the one that had it.
    const moved = await t.api('PUT', `/v1/uploads/${uploadId}/mapping`, { mapping: { name: 1 } });
    expect(moved.body.columns.map((c: { heading: number | null }) => c.heading)).toEqual([1, null, 2]);
    expect(moved.body.missingRequired).toEqual(['email']);
    const mapped = await t.api('PUT', `/v1/uploads/${uploadId}/mapping`, { mapping: { name: 0, email: 1 } });
    expect(mapped.status).toBe(200);
    expect(mapped.body.missingRequired).toEqual([]);
    expect(mapped.body.columns[0]).toMatchObject({ key: 'name', heading: 0 });

    expect((await t.api('POST', `/v1/uploads/${uploadId}/validate`)).status).toBe(202);
    const review = await reviewing(uploadId);
    expect(review).toMatchObject({ totalRecords: 5, validRecords: 2, invalidRecords: 3 });

    const invalid = (await t.api('GET', `/v1/uploads/${uploadId}/records?type=invalid`)).body.records;
    expect(invalid.map((r: { row: number }) => r.row)).toEqual([2, 4, 5]);
    expect(Object.keys(invalid[0].errors).sort()).toEqual(['age', 'email']);
    expect(invalid[1].errors.email).toMatch(/unique/);

    // A fix that is still wrong keeps the row invalid, with the new reason.
    const stillBad = await t.api('PATCH', `/v1/uploads/${uploadId}/records/2`, { data: { email: 'bob@example.com' } });
    expect(stillBad.status).toBe(200);
    expect(stillBad.body).toMatchObject({ row: 2, valid: false, errors: { age: expect.stringMatching(/Age/) } });
    const fixed = await t.api('PATCH', `/v1/uploads/${uploadId}/records/2`, { data: { age: '40' } });
    expect(fixed.body).toEqual({ row: 2, sheetRow: 5, valid: true, errors: null, data: { name: 'Bob', email: 'bob@example.com', age: 40 } });
    // An edit to a value another valid row has is refused as a duplicate.
    const dup = await t.api('PATCH', `/v1/uploads/${uploadId}/records/5`, { data: { email: 'cid@example.com' } });
    expect(dup.body.valid).toBe(false);
    expect(dup.body.errors.email).toMatch(/unique/);
    expect((await t.api('PATCH', `/v1/uploads/${uploadId}/records/5`, { data: { nope: 1 } })).status).toBe(400);
    expect((await t.api('DELETE', `/v1/uploads/${uploadId}/records/4`)).status).toBe(204);
    expect((await t.api('DELETE', `/v1/uploads/${uploadId}/records/4`)).status).toBe(404);

    expect((await t.api('GET', `/v1/uploads/${uploadId}`)).body).toMatchObject({ validRecords: 3, invalidRecords: 1 });
    const confirmed = await t.api('POST', `/v1/uploads/${uploadId}/confirm`);
    expect(confirmed.status).toBe(202);
    expect(confirmed.body).toMatchObject({ validRecords: 3, totalPages: 2 });
    const final = await waitForFinal(t, uploadId);
    expect(final).toMatchObject({ status: 'completed', pagesDelivered: 2 });

    expect(receiver.received.map((r) => r.body.page)).toEqual([1, 2]);
    expect(receiver.received.flatMap((r) => r.body.data)).toEqual([
      { name: 'Ann', email: 'ann@example.com', age: 31 },
      { name: 'Bob', email: 'bob@example.com', age: 40 },
      { name: 'Cid', email: 'cid@example.com', age: 22 },
    ]);
    expect(receiver.received[0].body).toMatchObject({ totalRecords: 3, totalPages: 2, extra: { tenant: 't1' } });

    const late = await t.api('PATCH', `/v1/uploads/${uploadId}/records/5`, { data: { email: 'eve@example.com' } });
    expect(late.status).toBe(409);
    expect((await t.api('POST', `/v1/uploads/${uploadId}/confirm`)).status).toBe(409);
  });

  it('takes an explicit header row, and re-suggests the mapping for it', async () => {
    const created = await t.api('POST', '/v1/uploads', importForm({ template: 'customers', file: FILE }));
    const res = await t.api('PUT', `/v1/uploads/${created.body.uploadId}/mapping`, { headerRow: 3 });
    expect(res.status).toBe(200);
    expect(res.body.headerRow).toBe(3);
    expect(res.body.headings.map((h: { heading: string }) => h.heading)).toEqual(['Ann', 'ann@example.com', '31', 'first']);
    expect(res.body.sample).toHaveLength(4);
    expect((await t.api('PUT', `/v1/uploads/${created.body.uploadId}/mapping`, { headerRow: 40 })).status).toBe(400);
  });

  it('refuses to confirm or edit an upload that is not in review', async () => {
    const created = await t.api('POST', '/v1/uploads', importForm({ template: 'customers', file: FILE }));
    const res = await t.api('POST', `/v1/uploads/${created.body.uploadId}/confirm`);
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/mapping/);
    expect((await t.api('POST', `/v1/uploads/${created.body.uploadId}/redeliver`)).status).toBe(409);
  });
});

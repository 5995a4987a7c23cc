// Records beyond one storage block: duplicates, paging, edits, deletes and pages that cross block boundaries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';
import { csv, importForm } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

const ROWS = 2600;
const COLUMNS = [
  { key: 'id', name: 'Id', type: 'integer', required: true },
  { key: 'email', name: 'Email', type: 'email', required: true, unique: true },
];

/** Row n (1-based): an invalid id every 250th row, and every 400th row repeats the email of the row 999 before it. */
function person(n: number): [string, string] {
  const id = n % 250 === 0 ? `x${n}` : String(n);
  const email = n % 400 === 0 && n > 999 ? `p${n - 999}@example.com` : `p${n}@example.com`;
  return [id, email];
}

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: COLUMNS });
  await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 700 } });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

describe('an upload of several thousand rows', () => {
  it('finds duplicates across the file, pages, edits and deletes, and delivers what is left in order', async () => {
    const rows = Array.from({ length: ROWS }, (_, i) => person(i + 1));
    const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: csv([['Id', 'Email'], ...rows]) }));
    expect(created.status).toBe(201);
    const { uploadId } = created.body;
    expect((await t.api('POST', `/v1/uploads/${uploadId}/validate`)).status).toBe(202);
    const ready = await waitFor(async () => {
      const { body } = await t.api('GET', `/v1/uploads/${uploadId}`);
      return body.status === 'reviewing' ? body : undefined;
    }, 'review');

    // What the rules say, computed here from the rows themselves.
    const badId = new Set<number>();
    const duplicate = new Set<number>();
    const seen = new Set<string>();
    rows.forEach(([id, email], i) => {
      const n = i + 1;
      if (!/^\d+$/.test(id)) { badId.add(n); return; }
      if (seen.has(email)) duplicate.add(n); else seen.add(email);
    });
    expect(duplicate.size).toBeGreaterThan(0);
    expect(ready.validRecords).toBe(ROWS - badId.size - duplicate.size);
    expect(ready.invalidRecords).toBe(badId.size + duplicate.size);

    const invalid = await t.api('GET', `/v1/uploads/${uploadId}/records?type=invalid&offset=0&limit=1000`);
    const invalidRows = invalid.body.records.map((r: { row: number }) => r.row);
    expect(invalidRows).toEqual([...badId, ...duplicate].sort((a, b) => a - b));
    const dup = invalid.body.records.find((r: { row: number }) => duplicate.has(r.row));
    expect(dup.errors.email).toMatch(/unique/);
    expect(dup.data).toEqual({ id: dup.row, email: rows[dup.row - 1][1] });

    // A page that starts in one block and ends in the next.
    const all = await t.api('GET', `/v1/uploads/${uploadId}/records?type=all&offset=990&limit=20`);
    expect(all.body.records.map((r: { row: number }) => r.row)).toEqual(Array.from({ length: 20 }, (_, i) => 991 + i));
    const valid = await t.api('GET', `/v1/uploads/${uploadId}/records?type=valid&offset=1990&limit=5`);
    const validRows = Array.from({ length: ROWS }, (_, i) => i + 1).filter((n) => !badId.has(n) && !duplicate.has(n));
    expect(valid.body.records.map((r: { row: number }) => r.row)).toEqual(validRows.slice(1990, 1995));

    // Fix one bad id, break another row, delete rows from two blocks.
    const fixed = await t.api('PATCH', `/v1/uploads/${uploadId}/records/1250`, { data: { id: 1250 } });
    expect(fixed.body).toMatchObject({ row: 1250, valid: true });
    const broken = await t.api('PATCH', `/v1/uploads/${uploadId}/records/2001`, { data: { email: 'p5@example.com' } });
    expect(broken.body.errors.email).toMatch(/unique/);
    const deleted = await t.api('POST', `/v1/uploads/${uploadId}/records/delete`, { rows: [2, 1001, 1500, 2600] });
    expect(deleted.body.deleted).toEqual([2, 1001, 1500, 2600]);
    // A deleted row is gone: it cannot be edited or deleted again.
    const gone = await t.api('PATCH', `/v1/uploads/${uploadId}/records/1001`, { data: { id: 1 } });
    expect(gone.status).toBe(404);
    expect(gone.body.detail).toMatch(/row 1001/);
    expect((await t.api('DELETE', `/v1/uploads/${uploadId}/records/2600`)).status).toBe(404);
    const afterDelete = await t.api('GET', `/v1/uploads/${uploadId}/records?type=all&offset=999&limit=2`);
    expect(afterDelete.body.records.map((r: { row: number }) => r.row)).toEqual([1002, 1003]);

    const expected = validRows.filter((n) => ![2001, 2, 1001, 1500, 2600].includes(n)).concat(1250).sort((a, b) => a - b);
    const confirmed = await t.api('POST', `/v1/uploads/${uploadId}/confirm`);
    expect(confirmed.status).toBe(202);
    expect(confirmed.body).toMatchObject({ validRecords: expected.length, totalPages: Math.ceil(expected.length / 700) });
    expect((await waitForFinal(t, uploadId)).status).toBe('completed');

    const pages = receiver.received.map((r) => r.body).filter((b) => b.uploadId === uploadId).sort((a, b) => a.page - b.page);
    expect(pages.map((p) => p.pageSize)).toEqual(pages.map((_, i) => Math.min(700, expected.length - i * 700)));
    const delivered = pages.flatMap((p) => p.data);
    expect(delivered.map((d: { id: number }) => d.id)).toEqual(expected);
    expect(delivered.find((d: { id: number }) => d.id === 1250)).toEqual({ id: 1250, email: 'p1250@example.com' });
  });
});

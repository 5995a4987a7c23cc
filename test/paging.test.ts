// Lists of uploads, records and deliveries tell where a page is: the total for the filter, and where the next page starts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  for (const code of ['people', 'staff']) {
    expect((await t.api('POST', '/v1/templates', { code, name: code, columns: PEOPLE_COLUMNS })).status).toBe(201);
    expect((await t.api('PUT', `/v1/templates/${code}/destination`, { webhook: { callbackUrl: receiver.url, chunkSize: 10 } })).status).toBe(200);
  }
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

async function interactiveUpload(template: string, file: string): Promise<string> {
  const created = await t.api('POST', '/v1/uploads', importForm({ template, file }));
  expect(created.status).toBe(201);
  return created.body.uploadId;
}

async function reviewed(uploadId: string) {
  expect((await t.api('POST', `/v1/uploads/${uploadId}/validate`)).status).toBe(202);
  return waitFor(async () => {
    const { body } = await t.api('GET', `/v1/uploads/${uploadId}`);
    return body.status === 'reviewing' ? body : undefined;
  }, `upload ${uploadId} to be reviewed`);
}

/** Follows `next` from the first page to the last, collecting every item. */
async function walk<T>(first: string, next: (body: any) => string | null, items: (body: any) => T[]): Promise<T[]> {
  const all: T[] = [];
  for (let path: string | null = first, n = 0; path !== null; n++) {
    expect(n, 'pages followed').toBeLessThan(50);
    const res = await t.api('GET', path);
    expect(res.status, path).toBe(200);
    all.push(...items(res.body));
    path = next(res.body);
  }
  return all;
}

describe('uploads', () => {
  it('pages through the uploads newest first, with the total and next offset for the chosen status and template', async () => {
    const people: string[] = [];
    for (let i = 0; i < 5; i++) people.push(await interactiveUpload('people', peopleCsv(2)));
    const staff = [await interactiveUpload('staff', peopleCsv(2)), await interactiveUpload('staff', peopleCsv(2))];
    await reviewed(people[1]);

    const first = await t.api('GET', '/v1/uploads?limit=3');
    expect(first.body).toMatchObject({ total: 7, offset: 0, limit: 3, nextOffset: 3 });
    expect(first.body.uploads).toHaveLength(3);
    const ids = await walk('/v1/uploads?limit=3', (b) => (b.nextOffset === null ? null : `/v1/uploads?limit=3&offset=${b.nextOffset}`),
      (b) => b.uploads.map((u: { uploadId: string }) => u.uploadId));
    expect(ids).toEqual([...people, ...staff].reverse());

    const last = await t.api('GET', '/v1/uploads?limit=3&offset=6');
    expect(last.body).toMatchObject({ total: 7, offset: 6, nextOffset: null });
    expect(last.body.uploads.map((u: { uploadId: string }) => u.uploadId)).toEqual([people[0]]);

    const ofStaff = await t.api('GET', '/v1/uploads?template=staff');
    expect(ofStaff.body).toMatchObject({ total: 2, limit: 100, nextOffset: null });
    expect(ofStaff.body.uploads.map((u: { uploadId: string }) => u.uploadId)).toEqual([...staff].reverse());

    const inReview = await t.api('GET', '/v1/uploads?status=reviewing');
    expect(inReview.body).toMatchObject({ total: 1, nextOffset: null });
    expect(inReview.body.uploads.map((u: { uploadId: string; status: string }) => [u.uploadId, u.status])).toEqual([[people[1], 'reviewing']]);

    const mappingPeople = await t.api('GET', '/v1/uploads?status=mapping&template=people&limit=2&offset=2');
    expect(mappingPeople.body).toMatchObject({ total: 4, offset: 2, nextOffset: null });
    expect(mappingPeople.body.uploads.map((u: { uploadId: string }) => u.uploadId)).toEqual([people[2], people[0]]);

    expect((await t.api('GET', '/v1/uploads?status=reviewing&template=staff')).body).toMatchObject({ uploads: [], total: 0, nextOffset: null });
    expect((await t.api('GET', '/v1/uploads?offset=50')).body).toMatchObject({ uploads: [], total: 7, nextOffset: null });
  });

  it('refuses a limit above the maximum, naming it, and an unknown status', async () => {
    expect((await t.api('GET', '/v1/uploads?limit=1001')).body).toEqual({ code: 'invalid_request', detail: 'limit: must be at most 1000, not 1001' });
    expect((await t.api('GET', '/v1/uploads?limit=1000')).status).toBe(200);
    const status = await t.api('GET', '/v1/uploads?status=done');
    expect(status.status).toBe(400);
    expect(status.body.detail).toMatch(/^status: must be one of mapping, ingesting, reviewing, delivering, completed, .*, not "done"$/);
  });
});

describe('records', () => {
  it('answers the total of the chosen filter across blocks, and the next offset until the last page', async () => {
    // 2,500 rows fill three blocks of records; the invalid ones are in each of them.
    const uploadId = await interactiveUpload('people', peopleCsv(2500, new Set([5, 1500, 2400])));
    expect(await reviewed(uploadId)).toMatchObject({ validRecords: 2497, invalidRecords: 3 });
    const records = (query: string) => t.api('GET', `/v1/uploads/${uploadId}/records?${query}`);

    const invalid = await records('type=invalid&limit=2');
    expect(invalid.body).toMatchObject({ uploadId, total: 3, offset: 0, limit: 2, nextOffset: 2 });
    expect(invalid.body.records.map((r: { row: number }) => r.row)).toEqual([5, 1500]);
    const rest = await records('type=invalid&limit=2&offset=2');
    expect(rest.body).toMatchObject({ total: 3, nextOffset: null });
    expect(rest.body.records.map((r: { row: number }) => r.row)).toEqual([2400]);

    expect((await records('type=valid&limit=1')).body).toMatchObject({ total: 2497, nextOffset: 1 });
    const middle = await records('type=all&offset=990&limit=20');
    expect(middle.body).toMatchObject({ total: 2500, nextOffset: 1010 });
    expect(middle.body.records.map((r: { row: number }) => r.row)).toEqual(Array.from({ length: 20 }, (_, i) => 991 + i));
    const end = await records('type=all&offset=2490&limit=100');
    expect(end.body).toMatchObject({ total: 2500, nextOffset: null });
    expect(end.body.records).toHaveLength(10);
    expect((await records('type=all&offset=3000')).body).toMatchObject({ records: [], total: 2500, nextOffset: null });

    const rows = await walk(`/v1/uploads/${uploadId}/records?type=valid&limit=1000`,
      (b) => (b.nextOffset === null ? null : `/v1/uploads/${uploadId}/records?type=valid&limit=1000&offset=${b.nextOffset}`),
      (b) => b.records.map((r: { row: number }) => r.row));
    expect(rows).toHaveLength(2497);
    expect(new Set(rows).size).toBe(2497);

    // The totals follow deletions and edits.
    expect((await t.api('POST', `/v1/uploads/${uploadId}/records/delete`, { rows: [1, 1500] })).status).toBe(200);
    expect((await t.api('PATCH', `/v1/uploads/${uploadId}/records/5`, { data: { email: 'fixed@example.com' } })).body.valid).toBe(true);
    expect((await records('type=all&limit=1')).body.total).toBe(2498);
    expect((await records('type=invalid')).body).toMatchObject({ total: 1, nextOffset: null });
    expect((await records('type=valid&limit=1')).body.total).toBe(2497);
  });

  it('refuses a limit above the maximum, naming it', async () => {
    const uploadId = await interactiveUpload('people', peopleCsv(2));
    expect((await t.api('GET', `/v1/uploads/${uploadId}/records?limit=5000`)).body)
      .toEqual({ code: 'invalid_request', detail: 'limit: must be at most 1000, not 5000' });
  });
});

describe('deliveries', () => {
  it('answers the total of pages for the chosen status, and the page the next request starts from', async () => {
    receiver.answer = (r) => ({ status: r.body.page === 2 ? 500 : 200 });
    const started = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(45) }));
    expect(started.status).toBe(202);
    const { uploadId } = started.body;
    expect(await waitForFinal(t, uploadId)).toMatchObject({ status: 'completed_with_failures', totalPages: 5 });
    const deliveries = (query: string) => t.api('GET', `/v1/uploads/${uploadId}/deliveries?${query}`);
    const pagesOf = (body: { pages: { page: number }[] }) => body.pages.map((p) => p.page);

    const first = await deliveries('limit=2');
    expect(first.body).toMatchObject({ uploadId, total: 5, fromPage: 1, limit: 2, nextFromPage: 3 });
    expect(pagesOf(first.body)).toEqual([1, 2]);
    expect((await deliveries('fromPage=5&limit=2')).body).toMatchObject({ total: 5, nextFromPage: null });
    expect(await walk(`/v1/uploads/${uploadId}/deliveries?limit=2`,
      (b) => (b.nextFromPage === null ? null : `/v1/uploads/${uploadId}/deliveries?limit=2&fromPage=${b.nextFromPage}`), pagesOf))
      .toEqual([1, 2, 3, 4, 5]);

    const failed = await deliveries('status=failed');
    expect(failed.body).toMatchObject({ total: 1, nextFromPage: null });
    expect(failed.body.pages).toMatchObject([{ page: 2, status: 'failed', attempts: [{ httpStatus: 500 }] }]);
    const delivered = await deliveries('status=delivered&limit=2');
    expect(delivered.body).toMatchObject({ total: 4, nextFromPage: 4 });
    expect(pagesOf(delivered.body)).toEqual([1, 3]);
    expect(pagesOf((await deliveries('status=delivered&limit=2&fromPage=4')).body)).toEqual([4, 5]);

    expect((await deliveries('limit=1001')).body).toEqual({ code: 'invalid_request', detail: 'limit: must be at most 1000, not 1001' });
  });
});

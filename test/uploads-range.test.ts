// The upload list by when uploads were made: `from` included, `to` excluded, with the other filters and paging.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uploads } from '../src/store/schema.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';
import { startService, type TestService } from './support/service.ts';

let t: TestService;
/** Upload ids by the day of January 2026 they are dated. */
const made = new Map<string, string>();

const DAYS: [number, string][] = [[1, 'people'], [2, 'staff'], [3, 'people'], [4, 'people']];
const at = (day: number, hour = 0) => `2026-01-0${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;

beforeAll(async () => {
  t = await startService();
  for (const code of ['people', 'staff']) {
    expect((await t.api('POST', '/v1/templates', { code, name: code, columns: PEOPLE_COLUMNS })).status).toBe(201);
  }
  // Interactive uploads wait in mapping: nothing happens to them while they are dated.
  for (const [day, template] of DAYS) {
    const res = await t.api('POST', '/v1/uploads', importForm({ template, file: peopleCsv(2) }));
    expect(res.status).toBe(201);
    await t.service.store.db.update(uploads).set({ createdAt: new Date(at(day)) }).where(eq(uploads.id, res.body.uploadId));
    made.set(`${day}`, res.body.uploadId);
  }
});

afterAll(async () => {
  await t?.stop();
});

async function list(query: string) {
  const res = await t.api('GET', `/v1/uploads?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return { ids: res.body.uploads.map((u: { uploadId: string }) => u.uploadId) as string[], body: res.body };
}

const days = (...d: number[]) => d.map((day) => made.get(`${day}`));

it('lists the uploads made from `from` on and before `to`, newest first', async () => {
  expect((await list(`from=${at(2)}`)).ids).toEqual(days(4, 3, 2));
  expect((await list(`to=${at(3)}`)).ids).toEqual(days(2, 1));
  expect((await list(`from=${at(2)}&to=${at(4)}`)).ids).toEqual(days(3, 2));
  expect((await list(`from=${at(1, 1)}&to=${at(3, 1)}`)).ids).toEqual(days(3, 2));
  // A time zone other than UTC: 2026-01-03T01:00+02:00 is 2026-01-02T23:00Z.
  expect((await list(`from=${encodeURIComponent('2026-01-03T01:00:00+02:00')}`)).ids).toEqual(days(4, 3));
  expect((await list(`from=${at(5)}`)).ids).toEqual([]);
});

it('combines with the template and status filters, and pages with the range\'s total', async () => {
  expect((await list(`template=people&from=${at(1)}&to=${at(4)}`)).ids).toEqual(days(3, 1));
  expect((await list(`status=mapping&to=${at(2)}`)).ids).toEqual(days(1));
  expect((await list(`status=completed&to=${at(2)}`)).ids).toEqual([]);
  const first = await list(`from=${at(1)}&limit=2`);
  expect(first.ids).toEqual(days(4, 3));
  expect(first.body).toMatchObject({ total: 4, offset: 0, limit: 2, nextOffset: 2 });
  const second = await list(`from=${at(1)}&limit=2&offset=2`);
  expect(second.ids).toEqual(days(2, 1));
  expect(second.body).toMatchObject({ total: 4, nextOffset: null });
});

it('refuses a date-time it cannot read and a range that ends before it starts, naming the parameter', async () => {
  for (const [query, detail] of [
    ['from=2026-01-01', /from/],
    ['to=soon', /to/],
    [`from=${at(3)}&to=${at(2)}`, /from: must be before to/],
    [`from=${at(3)}&to=${at(3)}`, /from: must be before to/],
  ] as const) {
    const res = await t.api('GET', `/v1/uploads?${query}`);
    expect(res.status, query).toBe(400);
    expect(res.body).toEqual({ code: 'invalid_request', detail: expect.stringMatching(detail) });
  }
});

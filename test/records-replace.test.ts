// Find & replace in one column of an upload in review, across several blocks of records: the rows changed, each
// validated again both ways, unique values, whole cells, case, and the refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, waitFor, type TestService } from './support/service.ts';
import { csv, importForm } from './support/files.ts';

let t: TestService;

const ROWS = 2600;
const COLUMNS = [
  { key: 'id', name: 'Id', type: 'integer', required: true },
  { key: 'email', name: 'Email', type: 'email', required: true, unique: true },
  { key: 'city', name: 'City', type: 'string' },
  { key: 'tags', name: 'Tags', type: 'select', selectValues: ['red', 'green', 'blue'], multiSelect: true, delimiter: ';' },
];
const CITIES = ['new york city', 'Newark', 'New York'];

/** Row n: a bad id every 250th row; the city one of three in turn; two tags in odd rows, one in even. */
function row(n: number): string[] {
  return [n % 250 === 0 ? `x${n}` : String(n), `p${n}@example.com`, CITIES[n % 3], n % 2 === 1 ? 'red;blue' : 'blue'];
}
const rowNumbers = Array.from({ length: ROWS }, (_, i) => i + 1);

type Record = { row: number; valid: boolean; data: { [k: string]: unknown }; errors: { [k: string]: string } | null };

beforeAll(async () => {
  t = await startService();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: COLUMNS });
});

afterAll(async () => {
  await t?.stop();
});

async function reviewedUpload(): Promise<string> {
  const file = csv([COLUMNS.map((c) => c.name), ...rowNumbers.map(row)]);
  const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file }));
  expect(created.status).toBe(201);
  const { uploadId } = created.body;
  expect((await t.api('POST', `/v1/uploads/${uploadId}/validate`)).status).toBe(202);
  await waitFor(async () => (await t.api('GET', `/v1/uploads/${uploadId}`)).body.status === 'reviewing', 'review');
  return uploadId;
}

async function records(uploadId: string, type = 'all'): Promise<Record[]> {
  const all: Record[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await t.api('GET', `/v1/uploads/${uploadId}/records?type=${type}&offset=${offset}&limit=1000`);
    all.push(...page.body.records);
    if (page.body.nextOffset === null) return all;
  }
}

/** The answer's counts are the upload's, and the records listed agree with them. */
async function expectCounts(uploadId: string, answer: { validRecords: number; invalidRecords: number }) {
  const { body } = await t.api('GET', `/v1/uploads/${uploadId}`);
  expect({ validRecords: body.validRecords, invalidRecords: body.invalidRecords }).toEqual(
    { validRecords: answer.validRecords, invalidRecords: answer.invalidRecords });
  const invalid = await records(uploadId, 'invalid');
  expect(invalid).toHaveLength(answer.invalidRecords);
  return invalid;
}

const replace = (uploadId: string, body: object) => t.api('POST', `/v1/uploads/${uploadId}/records/replace`, body);

describe('find & replace in a column', () => {
  it('changes the matching cells of every block and validates each changed row again', async () => {
    const uploadId = await reviewedUpload();
    const badIds = rowNumbers.filter((n) => n % 250 === 0);
    expect((await t.api('GET', `/v1/uploads/${uploadId}`)).body.invalidRecords).toBe(badIds.length);

    // Invalid rows fixed: they become valid.
    const fixed = await replace(uploadId, { column: 'id', find: 'X', replace: '' });
    expect(fixed.status).toBe(200);
    expect(fixed.body).toEqual({ rowsChanged: badIds.length, validRecords: ROWS, invalidRecords: 0 });
    await expectCounts(uploadId, fixed.body);
    expect((await records(uploadId)).find((r) => r.row === 2500)).toMatchObject({ valid: true, data: { id: 2500 }, errors: null });

    // A whole cell: only the cell that is exactly "7", and it breaks the row.
    const broken = await replace(uploadId, { column: 'id', find: '7', replace: 'seven', wholeCell: true });
    expect(broken.body).toEqual({ rowsChanged: 1, validRecords: ROWS - 1, invalidRecords: 1 });
    const [seven] = await expectCounts(uploadId, broken.body);
    expect(seven).toMatchObject({ row: 7, valid: false, data: { id: 'seven' } });
    expect(seven.errors).toEqual({ id: expect.stringMatching(/^Id /) });

    // Not matching case by default, every occurrence in a cell.
    const york = await replace(uploadId, { column: 'city', find: 'YORK', replace: 'Jersey' });
    const withYork = rowNumbers.filter((n) => /york/i.test(CITIES[n % 3]));
    expect(york.body).toEqual({ rowsChanged: withYork.length, validRecords: ROWS - 1, invalidRecords: 1 });
    let all = await records(uploadId);
    expect(all.map((r) => r.data.city)).toEqual(rowNumbers.map((n) => CITIES[n % 3].replace(/york/i, 'Jersey')));

    // Matching case: "new Jersey city" is left as it is; a "$" in the replacement is taken as it is.
    const cased = await replace(uploadId, { column: 'city', find: 'New', replace: '$&Old', matchCase: true });
    expect(cased.body.rowsChanged).toBe(rowNumbers.filter((n) => n % 3 !== 0).length);
    all = await records(uploadId);
    expect(all.find((r) => r.row === 1)!.data.city).toBe('$&Oldark');
    expect(all.find((r) => r.row === 2)!.data.city).toBe('$&Old Jersey');
    expect(all.find((r) => r.row === 2598)!.data.city).toBe('new Jersey city');

    // A multi-select matched on its values joined by its delimiter, delivered as a list again.
    const tags = await replace(uploadId, { column: 'tags', find: 'red;blue', replace: 'red;green', wholeCell: true });
    expect(tags.body.rowsChanged).toBe(ROWS / 2);
    const purple = await replace(uploadId, { column: 'tags', find: 'RED', replace: 'purple' });
    // Row 7, odd, was invalid already.
    expect(purple.body).toEqual({ rowsChanged: ROWS / 2, validRecords: ROWS / 2, invalidRecords: ROWS / 2 });
    all = await records(uploadId);
    expect(all.find((r) => r.row === 2)).toMatchObject({ valid: true, data: { tags: ['blue'] } });
    const odd = all.find((r) => r.row === 2599)!;
    expect(odd).toMatchObject({ valid: false, data: { tags: 'purple;green' } });
    expect(odd.errors!.tags).toMatch(/^Tags /);
    await expectCounts(uploadId, purple.body);

    // And back: the rows become valid again.
    const back = await replace(uploadId, { column: 'tags', find: 'purple', replace: 'red' });
    expect(back.body).toEqual({ rowsChanged: ROWS / 2, validRecords: ROWS - 1, invalidRecords: 1 });
    expect((await records(uploadId)).find((r) => r.row === 2599)).toMatchObject({ valid: true, data: { tags: ['red', 'green'] } });
  });

  it('keeps a unique column unique, within a block and across blocks', async () => {
    const uploadId = await reviewedUpload();
    await replace(uploadId, { column: 'id', find: 'x', replace: '' });

    // Row 12 takes the email of row 13, in the same block: row 12 is the repeat.
    const clash = await replace(uploadId, { column: 'email', find: 'p12@', replace: 'p13@' });
    expect(clash.body).toEqual({ rowsChanged: 1, validRecords: ROWS - 1, invalidRecords: 1 });
    const [twelve] = await expectCounts(uploadId, clash.body);
    expect(twelve).toMatchObject({ row: 12, data: { email: 'p13@example.com' } });
    expect(twelve.errors!.email).toMatch(/unique/);

    // Both rows given p12@: row 12's old value no longer counts, and row 13, after it, is now the repeat.
    const swap = await replace(uploadId, { column: 'email', find: 'p13@example.com', replace: 'p12@example.com', wholeCell: true });
    expect(swap.body).toEqual({ rowsChanged: 2, validRecords: ROWS - 1, invalidRecords: 1 });
    const [thirteen] = await expectCounts(uploadId, swap.body);
    expect(thirteen).toMatchObject({ row: 13, data: { email: 'p12@example.com' } });
    expect(thirteen.errors!.email).toMatch(/unique/);

    // Across blocks: row 2001 takes the email of row 1, and a domain changed everywhere makes no repeat.
    const far = await replace(uploadId, { column: 'email', find: 'p2001@', replace: 'p1@' });
    expect(far.body).toEqual({ rowsChanged: 1, validRecords: ROWS - 2, invalidRecords: 2 });
    const domain = await replace(uploadId, { column: 'email', find: '@example.com', replace: '@example.org' });
    expect(domain.body).toEqual({ rowsChanged: ROWS, validRecords: ROWS - 2, invalidRecords: 2 });
    const invalid = await expectCounts(uploadId, domain.body);
    expect(invalid.map((r) => r.row)).toEqual([13, 2001]);
    expect(invalid.map((r) => r.data.email)).toEqual(['p12@example.org', 'p1@example.org']);

    // Rows of a block whose values move along (p3 to p31, p31 to p311, ...): an old value changed in the same
    // replacement is no repeat.
    const chain = await replace(uploadId, { column: 'email', find: 'p3', replace: 'p31' });
    const startingWith3 = rowNumbers.filter((n) => String(n).startsWith('3'));
    expect(chain.body).toEqual({ rowsChanged: startingWith3.length, validRecords: ROWS - 2, invalidRecords: 2 });
    expect((await records(uploadId)).find((r) => r.row === 3)).toMatchObject({ valid: true, data: { email: 'p31@example.org' } });

    // A row invalid before is checked again when another of its cells changes: row 13 still repeats row 12's email.
    const other = await replace(uploadId, { column: 'city', find: 'Newark', replace: 'Boston' });
    expect(other.body).toEqual({ rowsChanged: rowNumbers.filter((n) => n % 3 === 1).length, validRecords: ROWS - 2, invalidRecords: 2 });
    const still = await expectCounts(uploadId, other.body);
    expect(still.find((r) => r.row === 13)).toMatchObject({ data: { city: 'Boston' }, errors: { email: expect.stringMatching(/unique/) } });

    // Both holders of p1@ given a new value: the first keeps it, the later one repeats it still.
    const both = await replace(uploadId, { column: 'email', find: 'p1@example.org', replace: 'p-one@example.org', wholeCell: true });
    expect(both.body).toEqual({ rowsChanged: 2, validRecords: ROWS - 2, invalidRecords: 2 });
    const after = await records(uploadId);
    expect(after.find((r) => r.row === 1)).toMatchObject({ valid: true, data: { email: 'p-one@example.org' } });
    expect(after.find((r) => r.row === 2001)).toMatchObject({ valid: false, data: { email: 'p-one@example.org' } });

    // A 0 put before every @: row 101's new p1010@ is row 1010's value before, which the same replacement changes too
    // (to p10100@), in a later block: no repeat. The rows that repeated another's value still do.
    const shifted = await replace(uploadId, { column: 'email', find: '@', replace: '0@' });
    expect(shifted.body).toEqual({ rowsChanged: ROWS, validRecords: ROWS - 2, invalidRecords: 2 });
    expect((await expectCounts(uploadId, shifted.body)).map((r) => r.row)).toEqual([13, 2001]);

    // A replacement that leaves the text as it was changes no row.
    const own = await replace(uploadId, { column: 'id', find: '2001', replace: '2001', wholeCell: true });
    expect(own.body.rowsChanged).toBe(0);
  });

  it('finds text that JSON writes escaped: quotes, backslashes, tabs and letters of other scripts', async () => {
    const cities = ['Say "hi"', 'C:\\temp', 'a\tb', 'Zürich', 'ZÜRICH 😀'];
    const file = csv([['Id', 'Email', 'City'], ...cities.map((city, i) => [String(i + 1), `q${i}@example.com`, city])]);
    const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file }));
    await t.api('POST', `/v1/uploads/${created.body.uploadId}/validate`);
    const { uploadId } = created.body;
    await waitFor(async () => (await t.api('GET', `/v1/uploads/${uploadId}`)).body.status === 'reviewing', 'review');
    const city = async (row: number) => (await records(uploadId)).find((r) => r.row === row)!.data.city;

    expect((await replace(uploadId, { column: 'city', find: '"hi"', replace: "'hi'" })).body.rowsChanged).toBe(1);
    expect(await city(1)).toBe("Say 'hi'");
    expect((await replace(uploadId, { column: 'city', find: '\\temp', replace: '/tmp' })).body.rowsChanged).toBe(1);
    expect(await city(2)).toBe('C:/tmp');
    expect((await replace(uploadId, { column: 'city', find: '\t', replace: ' ' })).body.rowsChanged).toBe(1);
    expect(await city(3)).toBe('a b');
    // Case folded beyond ASCII; a character outside the Basic Multilingual Plane found whole.
    expect((await replace(uploadId, { column: 'city', find: 'zürich', replace: 'Geneva' })).body.rowsChanged).toBe(2);
    expect((await replace(uploadId, { column: 'city', find: '😀', replace: '!' })).body.rowsChanged).toBe(1);
    expect(await city(5)).toBe('Geneva !');
  });

  it('refuses an upload not in review, an unknown column and an empty find', async () => {
    const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: csv([['Id', 'Email'], ['1', 'a@b.co']]) }));
    const mapping = await replace(created.body.uploadId, { column: 'id', find: '1', replace: '2' });
    expect(mapping.status).toBe(409);
    expect(mapping.body).toMatchObject({ code: 'wrong_status', detail: expect.stringMatching(/mapping/) });

    const uploadId = await reviewedUpload();
    const unknown = await replace(uploadId, { column: 'colour', find: 'a', replace: 'b' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(/"colour".*"id", "email", "city", "tags"/);
    const empty = await replace(uploadId, { column: 'city', find: '', replace: 'b' });
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/^find/);
    expect((await replace(uploadId, { column: 'city', find: 'a' })).status).toBe(400);
  });
});

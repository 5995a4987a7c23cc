// An upload's records as a CSV download: the invalid rows of several blocks, as stored, with their messages, or all rows.
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startService, waitFor, type TestService } from './support/service.ts';
import { csv, importForm } from './support/files.ts';

let t: TestService;

const ROWS = 2600;
const COLUMNS = [
  { key: 'id', name: 'Id', type: 'integer', required: true },
  { key: 'email', name: 'Email', type: 'email', required: true, unique: true },
  { key: 'note', name: 'Note, free text', type: 'string' },
  { key: 'tags', name: 'Tags', type: 'select', selectValues: ['a', 'b', 'c'], multiSelect: true, delimiter: '|' },
];

/** Row n: a bad id every 250th row, a bad email every 333rd, and notes that need quoting in a CSV. */
function row(n: number): string[] {
  return [
    n % 250 === 0 ? `x${n}` : String(n),
    n % 333 === 0 ? `broken ${n}` : `p${n}@example.com`,
    n % 7 === 0 ? `said "hi", then\nleft (${n}) – café` : `note ${n}`,
    n % 2 === 0 ? 'a|c' : '',
  ];
}

type Record = { row: number; sheetRow: number; data: { [k: string]: unknown }; errors: { [k: string]: string } | null };

let uploadId: string;

beforeAll(async () => {
  t = await startService();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: COLUMNS });
  const file = csv([COLUMNS.map((c) => c.name), ...Array.from({ length: ROWS }, (_, i) => row(i + 1))]);
  const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file, fileName: 'march export.v2.csv' }));
  expect(created.status).toBe(201);
  uploadId = created.body.uploadId;
  expect((await t.api('POST', `/v1/uploads/${uploadId}/validate`)).status).toBe(202);
  await waitFor(async () => (await t.api('GET', `/v1/uploads/${uploadId}`)).body.status === 'reviewing', 'review');
});

afterAll(async () => {
  await t?.stop();
});

async function download(path: string) {
  const res = await fetch(t.url + path, { headers: { authorization: `Bearer ${API_KEY}` } });
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, text };
}

async function allRecords(type: string): Promise<Record[]> {
  const records: Record[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await t.api('GET', `/v1/uploads/${uploadId}/records?type=${type}&offset=${offset}&limit=1000`);
    records.push(...page.body.records);
    if (page.body.nextOffset === null) return records;
  }
}

/** A record as the CSV should hold it: sheet row, each value as stored (a list joined by its delimiter), messages. */
function expectedLine(r: Record): string[] {
  const values = COLUMNS.map((c) => {
    const v = r.data[c.key];
    return v === null ? '' : Array.isArray(v) ? v.join('|') : String(v);
  });
  const names = new Map(COLUMNS.map((c) => [c.key, c.name]));
  const errors = Object.entries(r.errors ?? {}).map(([k, m]) => `${names.get(k)}: ${m}`).join('; ');
  return [String(r.sheetRow), ...values, errors];
}

describe('records as CSV', () => {
  it('holds the invalid rows of every block with their messages, as the API lists them', async () => {
    const res = await download(`/v1/uploads/${uploadId}/records.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="march export.v2-invalid-rows.csv"');
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const parsed = Papa.parse<string[]>(res.text.slice(1), { skipEmptyLines: true }).data;
    expect(parsed[0]).toEqual(['Row', 'Id', 'Email', 'Note, free text', 'Tags', 'Errors']);

    const invalid = await allRecords('invalid');
    const badRows = Array.from({ length: ROWS }, (_, i) => i + 1).filter((n) => n % 250 === 0 || n % 333 === 0);
    expect(invalid.map((r) => r.row)).toEqual(badRows);
    expect(Math.max(...badRows)).toBeGreaterThan(2000);
    expect(parsed.slice(1)).toEqual(invalid.map(expectedLine));

    // What the person typed, and messages naming the column.
    const line2331 = parsed.find((line) => line[0] === String(2331 + 1))!;
    expect(line2331.slice(1, 5)).toEqual(['2331', 'broken 2331', `said "hi", then\nleft (2331) – café`, '']);
    expect(line2331[5]).toMatch(/^Email: Email /);
    expect(parsed.find((line) => line[1] === 'x1000')).toEqual(['1001', 'x1000', 'p1000@example.com', 'note 1000', 'a|c', 'Id: Id must be a whole number']);
    const line500 = parsed.find((line) => line[1] === 'x500')!;
    expect(line500[5]).toMatch(/^Id: /);
  });

  it('holds every row with type=all, the valid ones with an empty Errors', async () => {
    const res = await download(`/v1/uploads/${uploadId}/records.csv?type=all`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="march export.v2-all-rows.csv"');
    const parsed = Papa.parse<string[]>(res.text.slice(1), { skipEmptyLines: true }).data;
    expect(parsed).toHaveLength(ROWS + 1);
    expect(parsed.slice(1)).toEqual((await allRecords('all')).map(expectedLine));
    expect(parsed[1]).toEqual(['2', '1', 'p1@example.com', 'note 1', '', '']);
  });

  it('defuses the text cells a spreadsheet would run as formulas, leaving numbers and phone numbers as they are', async () => {
    const notes = ['=1+2', '@SUM(A1)', "+cmd|' /C calc'!A0", '-2+3', '\t=HYPERLINK("x")', '+1 555 0100', '-5', 'plain'];
    const file = csv([['Id', 'Email', 'Note, free text'], ...notes.map((note, i) => [String(-i), `f${i}@example.com`, note])]);
    const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file }));
    const id = created.body.uploadId;
    await t.api('POST', `/v1/uploads/${id}/validate`);
    await waitFor(async () => (await t.api('GET', `/v1/uploads/${id}`)).body.status === 'reviewing', 'review');
    const res = await download(`/v1/uploads/${id}/records.csv?type=all`);
    const parsed = Papa.parse<string[]>(res.text.slice(1), { skipEmptyLines: true }).data.slice(1);
    expect(parsed.map((line) => line[3])).toEqual([
      "'=1+2", "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3", '\'\t=HYPERLINK("x")', '+1 555 0100', '-5', 'plain',
    ]);
    // The ids are numbers, -1 to -7: never prefixed.
    expect(parsed.map((line) => line[1])).toEqual(notes.map((_, i) => String(-i)));
  });

  it('refuses a type it does not know', async () => {
    const bad = await t.api('GET', `/v1/uploads/${uploadId}/records.csv?type=broken`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/type/);
  });
});

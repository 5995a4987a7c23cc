// A template's sample file, CSV and XLSX: its headings, an example row the template itself finds valid, and the
// XLSX's drop-down lists on select columns.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startService, waitFor, type TestService } from './support/service.ts';
import { importForm } from './support/files.ts';

let t: TestService;

const COLUMNS = [
  { key: 'name', name: 'Full name', type: 'string', required: true, minLength: 3 },
  { key: 'email', name: 'Email', type: 'email', required: true, unique: true },
  { key: 'age', name: 'Age', type: 'integer', min: 18, max: 99 },
  { key: 'price', name: 'Price', type: 'number', min: 0 },
  { key: 'active', name: 'Active', type: 'boolean' },
  { key: 'born', name: 'Born', type: 'date' },
  { key: 'plan', name: 'Plan', type: 'select', selectValues: ['Free', 'Pro', 'Team'], required: true },
  { key: 'tags', name: 'Tags', type: 'select', selectValues: ['red', 'green', 'blue'], multiSelect: true, delimiter: ';' },
  { key: 'sku', name: 'SKU', type: 'regex', regex: '^[A-Z]{3}-\\d{3}$' },
  {
    key: 'country', name: 'Country', type: 'select',
    // Too long to be written into the validation itself: the list goes to a hidden sheet.
    selectValues: Array.from({ length: 40 }, (_, i) => `Country number ${i + 1}`),
  },
];

beforeAll(async () => {
  t = await startService();
  await t.api('POST', '/v1/templates', { code: 'shop', name: 'Shop', columns: COLUMNS });
});

afterAll(async () => {
  await t?.stop();
});

async function download(path: string) {
  const res = await fetch(t.url + path, { headers: { authorization: `Bearer ${API_KEY}` } });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** Uploads the file interactively, validates it with the suggested mapping, and answers the records. */
async function importedRecords(file: Uint8Array, fileName: string) {
  const created = await t.api('POST', '/v1/uploads', importForm({ template: 'shop', file, fileName }));
  expect(created.status).toBe(201);
  expect(created.body.missingRequired).toEqual([]);
  // Every heading is a column's own name: each is mapped to it.
  expect(created.body.columns.map((c: { heading: number | null }) => c.heading)).toEqual(COLUMNS.map((_, i) => i));
  const { uploadId } = created.body;
  expect((await t.api('POST', `/v1/uploads/${uploadId}/validate`)).status).toBe(202);
  const ready = await waitFor(async () => {
    const { body } = await t.api('GET', `/v1/uploads/${uploadId}`);
    return body.status === 'reviewing' ? body : undefined;
  }, 'review');
  return { ready, records: (await t.api('GET', `/v1/uploads/${uploadId}/records?type=all`)).body.records };
}

describe('the sample file of a template', () => {
  it('is a CSV download with the column names and one row the template finds valid', async () => {
    const res = await download('/v1/templates/shop/sample');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="shop-sample.csv"');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(res.bytes);
    expect(text.startsWith('\uFEFF')).toBe(true);
    const rows = Papa.parse<string[]>(text.slice(1), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(COLUMNS.map((c) => c.name));
    expect(rows).toHaveLength(2);
    expect(rows[1].every((v, i) => v !== '' || !COLUMNS[i].required)).toBe(true);

    const { ready, records } = await importedRecords(res.bytes, 'shop-sample.csv');
    expect(ready).toMatchObject({ totalRecords: 1, validRecords: 1, invalidRecords: 0 });
    expect(records[0].errors).toBeNull();
    expect(records[0].data.age).toBeGreaterThanOrEqual(18);
    expect(records[0].data.plan).toBe('Free');
  });

  it('is an XLSX with bold headings, the same row, and a drop-down on each select column', async () => {
    const res = await download('/v1/templates/shop/sample?format=xlsx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="shop-sample.xlsx"');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.bytes.buffer as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    expect(sheet.state).toBe('visible');
    const headings = COLUMNS.map((_, i) => sheet.getCell(1, i + 1));
    expect(headings.map((c) => c.value)).toEqual(COLUMNS.map((c) => c.name));
    expect(headings.every((c) => c.font?.bold === true)).toBe(true);
    expect(sheet.getCell(2, 3).value).toBeTypeOf('number');

    const plan = sheet.getCell('G2').dataValidation;
    expect(plan).toMatchObject({ type: 'list', formulae: ['"Free,Pro,Team"'], showErrorMessage: true });
    // The drop-down reaches thousands of rows below the heading, not the example row only.
    expect(sheet.getCell('G5001').dataValidation).toMatchObject({ type: 'list', formulae: ['"Free,Pro,Team"'] });
    // A multi-select offers its values but takes several in a cell.
    expect(sheet.getCell('H300').dataValidation).toMatchObject({ type: 'list', formulae: ['"red,green,blue"'] });
    expect(sheet.getCell('H300').dataValidation.showErrorMessage).toBeFalsy();
    // A long list is read from a hidden sheet.
    const country = sheet.getCell('J2').dataValidation;
    expect(country.type).toBe('list');
    const [, range] = /^Lists!\$A\$1:\$A\$(\d+)$/.exec(country.formulae[0]) ?? [];
    expect(Number(range)).toBe(40);
    const lists = workbook.getWorksheet('Lists')!;
    expect(lists.state).toBe('hidden');
    expect(lists.getCell('A40').value).toBe('Country number 40');
    // Columns that are not a select get none.
    expect(sheet.getCell('A2').dataValidation).toBeUndefined();
    expect(sheet.getCell('C2').dataValidation).toBeUndefined();

    const { ready, records } = await importedRecords(res.bytes, 'shop-sample.xlsx');
    expect(ready).toMatchObject({ totalRecords: 1, validRecords: 1, invalidRecords: 0, sheet: 'Sample' });
    expect(records[0].errors).toBeNull();
    expect(records[0].data.tags).toEqual(['red']);
  });

  it('answers 404 for a template that does not exist and 400 for a format it does not make', async () => {
    expect((await t.api('GET', '/v1/templates/nope/sample')).status).toBe(404);
    const bad = await t.api('GET', '/v1/templates/shop/sample?format=xls');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toMatch(/format/);
  });
});

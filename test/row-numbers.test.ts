// Records, their errors, the mapping view and edits carry each row's number as a spreadsheet shows it: title rows,
// the headings and blank rows counted, a quoted field's line breaks inside its row, an XLSX row's own number.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedStrings } from '../src/ingest/xlsx/shared-strings.ts';
import { sheetRowBatches } from '../src/ingest/xlsx/xlsx-sheet-scanner.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';
import { importForm, NAME_EMAIL_AGE } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: NAME_EMAIL_AGE });
  await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10 } });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

type ApiRecord = { row: number; sheetRow: number | null; valid: boolean; data: Record<string, unknown> };

async function records(uploadId: string, type: 'all' | 'valid' | 'invalid'): Promise<ApiRecord[]> {
  const res = await t.api('GET', `/v1/uploads/${uploadId}/records?type=${type}`);
  expect(res.status).toBe(200);
  return res.body.records;
}

// Spreadsheet rows, as Excel numbers them when it opens the file:
const CSV = [
  'People export', //                       1  title
  '', //                                    2  blank
  'Name,Email,Age', //                      3  headings
  'Ann,ann@example.com,31', //              4
  'Bob,bob-at-example.com,40', //           5  invalid
  '', //                                    6  blank
  '"Cid\nof the two lines",cid@example.com,22', // 7  one row, two lines of text
  'Dee,not-an-email,50', //                 8  invalid
  ',,', //                                  9  no values
  'Eve,eve@example.com,old', //            10  invalid
].join('\r\n') + '\r\n';

describe('a CSV with title rows, blank lines and a field of two lines', () => {
  it('gives each record, valid or invalid, the row a spreadsheet shows', async () => {
    const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: CSV, fileName: 'people.csv' }));
    expect(res.status).toBe(202);
    expect(await waitForFinal(t, res.body.uploadId)).toMatchObject({ totalRecords: 5, validRecords: 2, invalidRecords: 3 });

    const invalid = await records(res.body.uploadId, 'invalid');
    expect(invalid.map((r) => [r.row, r.sheetRow, r.data.name])).toEqual([[2, 5, 'Bob'], [4, 8, 'Dee'], [5, 10, 'Eve']]);
    const valid = await records(res.body.uploadId, 'valid');
    expect(valid.map((r) => [r.row, r.sheetRow, r.data.name])).toEqual([[1, 4, 'Ann'], [3, 7, 'Cid\nof the two lines']]);
    expect((await records(res.body.uploadId, 'all')).map((r) => r.sheetRow)).toEqual([4, 5, 7, 8, 10]);
  });

  it('says the header and sample rows as the spreadsheet shows them, and an edit answers the record with its row', async () => {
    const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: CSV, fileName: 'people.csv' }));
    expect(created.status).toBe(201);
    // headerRow counts non-blank rows from 0; headerSheetRow is the row Excel shows.
    expect(created.body).toMatchObject({ headerRow: 1, headerSheetRow: 3, sampleSheetRows: [4, 5, 7, 8, 10] });
    expect(created.body.sample.map((row: string[]) => row[0])).toEqual(['Ann', 'Bob', 'Cid\nof the two lines', 'Dee', 'Eve']);

    const { uploadId } = created.body;
    expect((await t.api('POST', `/v1/uploads/${uploadId}/validate`)).status).toBe(202);
    await waitFor(async () => (await t.api('GET', `/v1/uploads/${uploadId}`)).body.status === 'reviewing', 'review');
    const fixed = await t.api('PATCH', `/v1/uploads/${uploadId}/records/4`, { data: { email: 'dee@example.com' } });
    expect(fixed.body).toMatchObject({ row: 4, sheetRow: 8, valid: true });
    expect((await records(uploadId, 'invalid')).map((r) => r.sheetRow)).toEqual([5, 10]);
  });
});

describe('an XLSX with a title row and a gap', () => {
  it('gives each invalid record its row number in the sheet', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('People');
    sheet.getRow(1).values = ['Staff, May 2024'];
    sheet.getRow(3).values = ['Name', 'Email', 'Age'];
    sheet.getRow(4).values = ['Ann', 'ann@example.com', 31];
    sheet.getRow(5).values = ['Bob', 'bob-at-example.com', 40];
    // Rows 6 to 8 left empty.
    sheet.getRow(9).values = ['Cid', 'cid@example.com', 'twenty'];
    sheet.getRow(10).values = ['Dee', 'dee@example.com', 50];
    const file = new Uint8Array(await workbook.xlsx.writeBuffer() as ArrayBuffer);

    const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file, fileName: 'people.xlsx' }));
    expect(res.status).toBe(202);
    expect(await waitForFinal(t, res.body.uploadId)).toMatchObject({ totalRecords: 4, validRecords: 2, invalidRecords: 2 });
    const invalid = await records(res.body.uploadId, 'invalid');
    expect(invalid.map((r) => [r.row, r.sheetRow, r.data.name])).toEqual([[2, 5, 'Bob'], [3, 9, 'Cid']]);
    expect((await records(res.body.uploadId, 'valid')).map((r) => r.sheetRow)).toEqual([4, 10]);
  });

  it('numbers a row without r after the row before it', async () => {
    const cell = (text: string) => `<c t="inlineStr"><is><t>${text}</t></is></c>`;
    const xml = `<worksheet><sheetData><row>${cell('a')}</row><row r="4" spans="1:1">${cell('b')}</row>`
      + `<row>${cell('c')}</row><row r = '7'/><row>${cell('d')}</row></sheetData></worksheet>`;
    const context = { sharedStrings: new SharedStrings(), dateStyles: [], date1904: false, maxColumns: 10 };
    const numbers: number[] = [];
    for await (const batch of sheetRowBatches((async function* () { yield xml; })(), context)) numbers.push(...batch.sheetRows);
    expect(numbers).toEqual([1, 4, 5, 8]);
  });
});

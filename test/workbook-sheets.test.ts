// A workbook upload says which sheet it read, how that sheet was chosen, and the workbook's visible sheets: named by
// `sheet`, the only one, or the one whose headings best match the template; an unknown name and missing columns name
// the sheets there are.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
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

async function workbook(sheets: { name: string; rows: (string | number)[][]; hidden?: boolean }[]): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  for (const sheet of sheets) {
    const ws = book.addWorksheet(sheet.name, sheet.hidden ? { state: 'hidden' } : undefined);
    for (const row of sheet.rows) ws.addRow(row);
  }
  return new Uint8Array(await book.xlsx.writeBuffer() as ArrayBuffer);
}

function form(file: Uint8Array, sheet?: string): FormData {
  const body = importForm({ template: 'people', file, fileName: 'book.xlsx' });
  if (sheet !== undefined) body.append('sheet', sheet);
  return body;
}

const NOTES = { name: 'Notes', rows: [['Read me first'], ['Remarks', 'Owner'], ['Exported from the CRM', 'ops']] };
const PEOPLE = { name: 'People', rows: [['Name', 'E-mail', 'Age'], ['Ann', 'ann@example.com', 31], ['Bob', 'bob@example.com', 40]] };

it('reads the sheet whose headings match the template, not the first, and says so', async () => {
  const file = await workbook([NOTES, PEOPLE]);
  const created = await t.api('POST', '/v1/uploads', form(file));
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ sheet: 'People', sheets: ['Notes', 'People'], sheetChosen: 'best_match', missingRequired: [] });
  expect(created.body.headings.map((h: { heading: string }) => h.heading)).toEqual(['Name', 'E-mail', 'Age']);

  receiver.received.length = 0;
  const imported = await t.api('POST', '/v1/imports', form(file));
  expect(imported.status).toBe(202);
  const final = await waitForFinal(t, imported.body.uploadId);
  expect(final).toMatchObject({ status: 'completed', validRecords: 2, sheet: 'People', sheets: ['Notes', 'People'], sheetChosen: 'best_match' });
  expect(receiver.received.flatMap((r) => r.body.data)).toEqual([
    { name: 'Ann', email: 'ann@example.com', age: 31 },
    { name: 'Bob', email: 'bob@example.com', age: 40 },
  ]);
});

it('reads the first of two sheets that match as well, leaves hidden sheets out, and reads an empty sheet never', async () => {
  const file = await workbook([
    { name: 'Empty', rows: [] },
    { ...PEOPLE, name: 'March' },
    { name: 'Hidden', rows: [['Name', 'Email', 'Age'], ['Zed', 'zed@example.com', 9]], hidden: true },
    { ...PEOPLE, name: 'April' },
  ]);
  const created = await t.api('POST', '/v1/uploads', form(file));
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ sheet: 'March', sheets: ['Empty', 'March', 'April'], sheetChosen: 'best_match' });
});

it('reads the only sheet without comparing, and a sheet named by sheet=, whatever its case', async () => {
  const only = await t.api('POST', '/v1/uploads', form(await workbook([PEOPLE])));
  expect(only.body).toMatchObject({ sheet: 'People', sheets: ['People'], sheetChosen: 'only' });

  const named = await t.api('POST', '/v1/uploads', form(await workbook([PEOPLE, NOTES]), 'notes'));
  expect(named.status).toBe(201);
  expect(named.body).toMatchObject({ sheet: 'Notes', sheets: ['People', 'Notes'], sheetChosen: 'given', missingRequired: ['name', 'email'] });
  const upload = await t.api('GET', `/v1/uploads/${named.body.uploadId}`);
  expect(upload.body).toMatchObject({ sheet: 'Notes', sheets: ['People', 'Notes'], sheetChosen: 'given' });
});

it('refuses sheet=Nope naming the sheets there are', async () => {
  const res = await t.api('POST', '/v1/imports', form(await workbook([NOTES, PEOPLE]), 'Nope'));
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('sheet_not_found');
  expect(res.body.detail).toMatch(/no sheet named "Nope"; its sheets are "Notes", "People"/);
});

it('refuses missing columns naming the sheet read, the sheets there are and how to read another', async () => {
  const headingsElsewhere = await t.api('POST', '/v1/imports', form(await workbook([NOTES, PEOPLE]), 'Notes'));
  expect(headingsElsewhere.status).toBe(400);
  expect(headingsElsewhere.body.code).toBe('missing_columns');
  expect(headingsElsewhere.body.detail)
    .toMatch(/headings found: "[^"]+"(, "[^"]+")*; read sheet "Notes" of the workbook's sheets "Notes", "People": send sheet=<name> to read another/);

  const noEmail = { name: 'Staff', rows: [['Name', 'Age'], ['Ann', 31]] };
  const missing = await t.api('POST', '/v1/imports', form(await workbook([NOTES, noEmail])));
  expect(missing.status).toBe(400);
  expect(missing.body.detail).toMatch(/required columns not found in the file: Email; headings found: "Name", "Age"; read sheet "Staff"/);
  expect(missing.body.detail).toMatch(/send sheet=<name> to read another/);

  // Interactive: validate refuses the same way.
  const created = await t.api('POST', '/v1/uploads', form(await workbook([noEmail, NOTES])));
  expect(created.body).toMatchObject({ sheet: 'Staff', sheetChosen: 'best_match' });
  const validate = await t.api('POST', `/v1/uploads/${created.body.uploadId}/validate`);
  expect(validate.status).toBe(400);
  expect(validate.body.detail).toMatch(/read sheet "Staff" of the workbook's sheets "Staff", "Notes": send sheet=<name> to read another/);
});

it('says a CSV upload has no sheets', async () => {
  const res = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: 'Name,Email\nAnn,ann@example.com\n' }));
  expect(res.body).toMatchObject({ sheet: null, sheets: null, sheetChosen: null });
});

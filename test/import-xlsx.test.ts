// An Excel workbook imports like a CSV: its typed cells arrive typed by the template's columns.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { importForm } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'orders', name: 'Orders', columns: [
    { key: 'order', name: 'Order', type: 'string', required: true, unique: true },
    { key: 'placed', name: 'Placed on', type: 'date', required: true },
    { key: 'amount', name: 'Amount', type: 'number' },
    { key: 'paid', name: 'Paid', type: 'boolean' },
    { key: 'status', name: 'Status', type: 'select', selectValues: ['Open', 'Shipped'] },
  ] });
  await t.api('PUT', '/v1/templates/orders/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 2 } });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

it('delivers an XLSX with dates, numbers, booleans and formulas typed, and flags duplicates', async () => {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Orders');
  sheet.addRow(['Order', 'Placed on', 'Amount', 'Paid', 'Status']);
  sheet.addRow(['00017', new Date(Date.UTC(2024, 1, 29)), 12.5, true, 'open']);
  sheet.addRow(['00018', new Date(Date.UTC(2024, 2, 1)), { formula: '2*3', result: 6 }, false, 'Shipped']);
  sheet.addRow(['00017', new Date(Date.UTC(2024, 2, 2)), 1, true, 'Open']);
  sheet.addRow(['00019', 'not a date', 'n/a', 'maybe', 'Lost']);
  const file = new Uint8Array(await workbook.xlsx.writeBuffer() as ArrayBuffer);

  const res = await t.api('POST', '/v1/imports', importForm({ template: 'orders', file, fileName: 'orders.xlsx' }));
  expect(res.status).toBe(202);
  const final = await waitForFinal(t, res.body.uploadId);
  expect(final).toMatchObject({ status: 'completed', fileFormat: 'xlsx', totalRecords: 4, validRecords: 2, invalidRecords: 2, totalPages: 1 });
  expect(receiver.received).toHaveLength(1);
  expect(receiver.received[0].body.data).toEqual([
    { order: '00017', placed: '2024-02-29', amount: 12.5, paid: true, status: 'Open' },
    { order: '00018', placed: '2024-03-01', amount: 6, paid: false, status: 'Shipped' },
  ]);

  const invalid = (await t.api('GET', `/v1/uploads/${res.body.uploadId}/records?type=invalid`)).body.records;
  expect(invalid.map((r: { row: number }) => r.row)).toEqual([3, 4]);
  expect(Object.keys(invalid[0].errors)).toEqual(['order']);
  expect(Object.keys(invalid[1].errors).sort()).toEqual(['amount', 'paid', 'placed', 'status']);
});

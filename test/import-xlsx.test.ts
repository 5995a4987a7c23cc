// An Excel workbook imports like a CSV: its typed cells arrive typed by the template's columns.
import { readFile } from 'node:fs/promises';
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
  await t.api('POST', '/v1/templates', { code: 'calc-orders', name: 'Calc orders', columns: [
    { key: 'code', name: 'Code', type: 'string', required: true, unique: true },
    { key: 'customer', name: 'Customer', type: 'string' },
    { key: 'qty', name: 'Qty', type: 'integer' },
    { key: 'price', name: 'Price', type: 'number' },
    { key: 'orderedOn', name: 'Ordered on', type: 'date' },
    { key: 'shippedAt', name: 'Shipped at', type: 'date' },
    { key: 'paid', name: 'Paid', type: 'boolean' },
    { key: 'total', name: 'Total', type: 'number' },
    { key: 'bigOrder', name: 'Big order', type: 'boolean' },
    { key: 'label', name: 'Label', type: 'string' },
    { key: 'dueOn', name: 'Due on', type: 'date' },
    { key: 'ratio', name: 'Ratio', type: 'number' },
    { key: 'note', name: 'Note', type: 'string' },
  ] });
  await t.api('PUT', '/v1/templates/calc-orders/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10 } });
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

it('delivers a workbook saved by LibreOffice Calc, title row skipped, each value typed as the file holds it', async () => {
  receiver.received.length = 0;
  const file = new Uint8Array(await readFile(new URL('./fixtures/xlsx/libreoffice-orders.xlsx', import.meta.url)));

  const res = await t.api('POST', '/v1/imports', importForm({ template: 'calc-orders', file, fileName: 'orders.xlsx' }));
  expect(res.status).toBe(202);
  const final = await waitForFinal(t, res.body.uploadId);
  expect(final).toMatchObject({ status: 'completed', fileFormat: 'xlsx', totalRecords: 2, validRecords: 2, invalidRecords: 0 });
  expect(receiver.received).toHaveLength(1);
  expect(receiver.received[0].body.data).toEqual([
    {
      code: '00042', customer: 'Café Müller', qty: 3, price: 12.5, orderedOn: '2024-02-29', shippedAt: '2024-03-01T14:30:00.000Z',
      paid: true, total: 37.5, bigOrder: true, label: '00042-Café Müller', dueOn: '2024-03-30', ratio: 0.125, note: 'Call before noon',
    },
    {
      code: '00100', customer: 'Straße 中文 😀', qty: -7, price: 0.1, orderedOn: '1999-12-31', shippedAt: '2000-01-01T00:00:05.000Z',
      paid: false, total: -0.7, bigOrder: false, label: '00100-Straße 中文 😀', dueOn: null, ratio: 1, note: '  two spaces before, AT&T <ok>',
    },
  ]);
});

// Pausing a destination from the console: an import made meanwhile is read and confirmed, its pages wait (the upload
// page shows them pending, the receiver gets nothing); Resume sends them, in page order, and the upload page, left
// open, follows along by itself to the end.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser } from './support/browser.ts';
import { consolePage, consoleStep, signIn } from './support/console.ts';
import { csv, importForm } from './support/files.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, type TestService } from './support/service.ts';

let t: TestService;
let receiver: Receiver;
let browser: Browser;
let uploadTab: Page;
let destinationTab: Page;

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  const columns = [{ key: 'sku', name: 'SKU', required: true }, { key: 'qty', name: 'Quantity', type: 'integer' }];
  expect((await t.api('POST', '/v1/templates', { code: 'orders', name: 'Orders', columns })).status).toBe(201);
  expect((await t.api('PUT', '/v1/templates/orders/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 1 } })).status).toBe(200);
  browser = await launchBrowser();
  destinationTab = await consolePage(browser);
  await signIn(destinationTab, t.url, '/admin/templates/orders/destination');
  // A second tab of the same browser: the same session.
  uploadTab = await destinationTab.context().newPage();
  uploadTab.setDefaultTimeout(30_000);
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await receiver?.close();
});

it('holds an import\'s pages while the destination is paused, and sends them in order on resume', { timeout: 180_000 }, async () => {
  await consoleStep(destinationTab, 'destination', 'Orders: destination');
  await destinationTab.getByRole('button', { name: 'Pause' }).click();
  await destinationTab.getByText(/Paused since .*: imports are read and confirmed, their pages wait/).waitFor();
  await consoleStep(destinationTab, 'destination-paused', 'Orders: destination');
  expect((await t.api('GET', '/v1/templates/orders/destination')).body.paused).toBe(true);

  const file = csv([['SKU', 'Quantity'], ['A-1', '1'], ['B-2', '2'], ['C-3', '3']]);
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'orders', file, fileName: 'orders.csv' }));
  expect(res.status).toBe(202);
  const uploadId: string = res.body.uploadId;
  // Read and confirmed: three pages planned, all waiting.
  await waitFor(async () => {
    const { body } = await t.api('GET', `/v1/uploads/${uploadId}`);
    return body.status === 'delivering' && body.totalPages === 3 && body.pagesPending === 3;
  }, 'the upload to be confirmed with three pending pages', 60_000);

  await uploadTab.goto(`${t.url}/admin/uploads/${uploadId}`);
  await uploadTab.getByRole('heading', { level: 1, name: 'orders.csv' }).waitFor();
  await uploadTab.locator('.page-header [data-status="delivering"]').waitFor();
  expect(await uploadTab.locator('tr[data-page] [data-status="pending"]').count()).toBe(3);
  await uploadTab.getByText('0 of 3 pages delivered').first().waitFor();
  await uploadTab.getByText(/The destination of template orders is paused: these pages wait/).waitFor();
  await consoleStep(uploadTab, 'upload-paused', 'orders.csv');
  expect(receiver.received).toEqual([]);

  await destinationTab.getByRole('button', { name: 'Resume' }).click();
  await destinationTab.getByText('Pages are sent as imports are confirmed.').waitFor();

  // The upload page, left open, refreshes itself until the upload is done.
  await uploadTab.locator('.page-header [data-status="completed"]').waitFor({ timeout: 60_000 });
  expect(await uploadTab.locator('tr[data-page] [data-status="delivered"]').count()).toBe(3);
  await uploadTab.getByText('3 of 3 pages delivered').first().waitFor();
  expect(await uploadTab.getByText(/is paused/).count()).toBe(0);
  await consoleStep(uploadTab, 'upload-resumed', 'orders.csv');
  expect(receiver.received.map((r) => [r.body.page, r.body.data[0].sku])).toEqual([[1, 'A-1'], [2, 'B-2'], [3, 'C-3']]);
});

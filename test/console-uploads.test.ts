// The uploads list, as a developer searches it: by status, by template and by the day they were made (kept in the URL,
// so a reload or a shared link shows the same), each with its delivery progress and counts; and, while an upload is
// delivered, the list refreshes itself until it ends.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser } from './support/browser.ts';
import { consolePage, consoleStep, signIn } from './support/console.ts';
import { csv, importForm } from './support/files.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';

let t: TestService;
let receiver: Receiver;
let browser: Browser;
let page: Page;
let waiting: string;

const COLUMNS = [{ key: 'sku', name: 'SKU', required: true }];
const rows = (n: number) => csv([['SKU'], ...Array.from({ length: n }, (_, i) => [`S-${i + 1}`])]);

async function upload(template: string, fileName: string, n: number) {
  const res = await t.api('POST', '/v1/imports', importForm({ template, file: rows(n), fileName }));
  expect(res.status).toBe(202);
  return res.body.uploadId as string;
}

/** YYYY-MM-DD of a day, as a date field takes it, in this machine's time zone (the browser's too). */
const day = (offsetDays: number) => {
  const d = new Date();
  d.setDate(d.getDate() + offsetDays);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

beforeAll(async () => {
  // The "returns" template's receiver refuses everything.
  receiver = await startReceiver((r) => (r.body?.template === 'returns' ? { status: 500 } : { status: 200 }));
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  for (const code of ['orders', 'returns']) {
    expect((await t.api('POST', '/v1/templates', { code, name: code === 'orders' ? 'Orders' : 'Returns', columns: COLUMNS })).status).toBe(201);
    expect((await t.api('PUT', `/v1/templates/${code}/destination`, { webhook: { callbackUrl: receiver.url, chunkSize: 2 } })).status).toBe(200);
  }
  expect((await waitForFinal(t, await upload('orders', 'orders-march.csv', 4), 60_000)).status).toBe('completed');
  expect((await waitForFinal(t, await upload('returns', 'returns-march.csv', 2), 60_000)).status).toBe('failed');
  expect((await t.api('POST', '/v1/templates/orders/destination/pause')).status).toBe(200);
  waiting = await upload('orders', 'orders-april.csv', 3);
  await waitFor(async () => (await t.api('GET', `/v1/uploads/${waiting}`)).body.pagesPending === 2, 'the April upload to wait', 60_000);

  browser = await launchBrowser();
  page = await consolePage(browser);
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await receiver?.close();
});

const listed = async () => page.locator('tbody tr th a').allTextContents();

it('filters uploads by status, template and day, and follows a running one to its end', { timeout: 180_000 }, async () => {
  await signIn(page, t.url, '/admin/uploads');
  await page.getByText('3 uploads; refreshed every few seconds while work runs.').waitFor();
  expect(await listed()).toEqual(['orders-april.csv', 'returns-march.csv', 'orders-march.csv']);
  const april = page.locator(`tr[data-upload="${waiting}"]`);
  expect(await april.locator('[data-status="delivering"]').count()).toBe(1);
  expect(await april.getByText('0 of 2 pages delivered').count()).toBe(1);
  expect(await april.locator('td.number').allTextContents()).toEqual(['3', '3', '0']);
  await consoleStep(page, 'uploads-running', 'Uploads');

  await page.getByLabel('Status').selectOption({ label: 'failed' });
  await page.getByText('1 upload.').waitFor();
  expect(await listed()).toEqual(['returns-march.csv']);
  expect(new URL(page.url()).search).toBe('?status=failed');
  await page.reload();
  await page.getByText('1 upload.').waitFor();
  expect(await page.getByLabel('Status').inputValue()).toBe('failed');

  await page.getByLabel('Status').selectOption({ label: 'Any status' });
  await page.getByLabel('Template').selectOption({ label: 'Orders (orders)' });
  await page.getByText(/^2 uploads/).waitFor();
  expect(await listed()).toEqual(['orders-april.csv', 'orders-march.csv']);

  // Made today: a range from tomorrow holds none, one to yesterday none, one of today both.
  await page.getByLabel('From').fill(day(1));
  await page.getByText('No uploads match.').waitFor();
  await page.getByLabel('From').fill(day(0));
  await page.getByText(/^2 uploads/).waitFor();
  await page.getByLabel('To').fill(day(0));
  await page.getByText(/^2 uploads/).waitFor();
  await page.getByLabel('From').fill('');
  await page.getByLabel('To').fill(day(-1));
  await page.getByText('No uploads match.').waitFor();
  await page.getByLabel('To').fill('');
  await page.getByText(/^2 uploads/).waitFor();
  await consoleStep(page, 'uploads-filtered', 'Uploads');

  // The list, left open, follows the April upload once its destination resumes.
  expect((await t.api('POST', '/v1/templates/orders/destination/resume')).status).toBe(200);
  await april.locator('[data-status="completed"]').waitFor({ timeout: 60_000 });
  await april.getByText('2 of 2 pages delivered').waitFor();
  await page.getByText('2 uploads.').waitFor();
});

// The dashboard, as a developer reads it: the totals and four charts of the last 24 hours, each chart's figures in
// words and in a table; while an upload is being delivered it says so and refreshes itself; the range picker shows
// 7 days by hour and 30 days by day.
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

const rows = (n: number, from = 1) => csv([['SKU', 'Quantity'], ...Array.from({ length: n }, (_, i) => [`S-${from + i}`, String(i + 1)])]);

beforeAll(async () => {
  // The first attempt at page 2 of the first upload fails; its retry, and every other page, is delivered.
  let failedOnce = false;
  receiver = await startReceiver((r) => {
    if (r.body?.page === 2 && !failedOnce) {
      failedOnce = true;
      return { status: 503, body: 'busy' };
    }
    return { status: 200 };
  });
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  const columns = [{ key: 'sku', name: 'SKU', required: true }, { key: 'qty', name: 'Quantity', type: 'integer' }];
  expect((await t.api('POST', '/v1/templates', { code: 'orders', name: 'Orders', columns })).status).toBe(201);
  const webhook = { callbackUrl: receiver.url, chunkSize: 2, retryCount: 1, retryInterval: 50 };
  expect((await t.api('PUT', '/v1/templates/orders/destination', { webhook })).status).toBe(200);

  const first = await t.api('POST', '/v1/imports', importForm({ template: 'orders', file: rows(6) }));
  expect(first.status).toBe(202);
  expect(await waitForFinal(t, first.body.uploadId, 60_000)).toMatchObject({ status: 'completed', totalPages: 3 });
  // A second upload waits behind a paused destination: work is running while the dashboard is open.
  expect((await t.api('POST', '/v1/templates/orders/destination/pause')).status).toBe(200);
  const second = await t.api('POST', '/v1/imports', importForm({ template: 'orders', file: rows(4, 7) }));
  expect(second.status).toBe(202);
  await waitFor(async () => (await t.api('GET', `/v1/uploads/${second.body.uploadId}`)).body.pagesPending === 2, 'the second upload to wait', 60_000);

  browser = await launchBrowser();
  // West of Greenwich, where a UTC day's first moment is the evening of the day before.
  page = await consolePage(browser, undefined, 'America/Los_Angeles');
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await receiver?.close();
});

const total = (name: string) => page.locator('.totals li').filter({ has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) }).locator('.value');

it('shows the figures and charts of the last day, refreshes them while work runs, and changes range', { timeout: 180_000 }, async () => {
  await signIn(page, t.url);
  await page.getByText('1 upload is being read or delivered').waitFor();
  await page.locator('.chart-canvas canvas').first().waitFor();
  expect(await page.locator('.chart-canvas canvas').count()).toBe(4);
  expect(await total('attempts').textContent()).toBe('4');
  expect(await total('delivered').textContent()).toBe('3');
  expect(await total('failed').textContent()).toBe('1');
  expect(await total('success rate').textContent()).toBe('75%');
  expect(await total('rows imported').textContent()).toBe('10');
  expect(await total('uploads').textContent()).toBe('2');
  await page.getByText('In the last 24 hours: 4 attempts, 3 delivered, 1 failed.').waitFor();
  await page.getByText('75% of attempts delivered in the last 24 hours.').waitFor();
  await page.getByText(/^Outcomes of the attempts: .*delivered 3/).waitFor();
  // The drawing is hidden from assistive technology; its figures are in a table.
  expect(await page.locator('.chart-canvas').first().getAttribute('aria-hidden')).toBe('true');
  await page.getByText('Deliveries by outcome: the figures').click();
  const table = page.getByRole('region', { name: 'Deliveries by outcome, by hour' }).getByRole('table');
  await table.waitFor();
  const bodyRows = await table.locator('tbody tr').count();
  expect(bodyRows).toBeGreaterThanOrEqual(24);
  expect(bodyRows).toBeLessThanOrEqual(26);
  const delivered = await table.locator('tbody tr td:nth-of-type(1)').allTextContents();
  expect(delivered.map(Number).reduce((a, b) => a + b, 0)).toBe(3);
  await consoleStep(page, 'dashboard', 'Dashboard');

  // The paused destination resumes: the dashboard, left open, shows the two pages delivered.
  expect((await t.api('POST', '/v1/templates/orders/destination/resume')).status).toBe(200);
  await waitFor(async () => (await total('delivered').textContent()) === '5', 'the dashboard to show the new deliveries', 60_000);
  await page.getByText('No upload is being delivered now.').waitFor();
  expect(await total('attempts').textContent()).toBe('6');

  await page.getByRole('button', { name: 'Last 7 days' }).click();
  await page.getByText('In the last 7 days: 6 attempts, 5 delivered, 1 failed.').waitFor();
  expect(await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed')).toBe('true');
  await page.getByRole('button', { name: 'Last 30 days' }).click();
  await page.getByText('In the last 30 days: 6 attempts, 5 delivered, 1 failed.').waitFor();
  await page.getByText('Rows imported: the figures').click();
  const days = page.getByRole('region', { name: 'Rows imported, by day' }).getByRole('table');
  await days.waitFor();
  expect(await days.getByRole('columnheader', { name: 'Day (UTC)' }).count()).toBe(1);
  expect((await days.locator('tbody td').allTextContents()).map((v) => Number(v.replace(/,/g, ''))).reduce((a, b) => a + b, 0)).toBe(10);
  // Today's rows are under today's date in UTC, not under the date in Los Angeles when the UTC day began.
  const today = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date());
  expect(await days.locator('tbody tr').filter({ has: page.locator('td', { hasText: /^10$/ }) }).locator('th').allTextContents()).toEqual([today]);
  await page.getByText(new RegExp(`Most in one day \\(UTC\\): ${today}, 10\\.`)).waitFor();
  await consoleStep(page, 'dashboard-30-days', 'Dashboard');
});

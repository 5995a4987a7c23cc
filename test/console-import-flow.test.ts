// The console end to end, as a developer uses it: signs in, makes a template of three columns, points its webhook at
// a receiver on loopback (which fails page 2 for now), sends a test, tries the import through the real widget opened
// from the console, watches the upload end completed_with_failures on its page with the failed page's attempt log,
// lets the receiver recover, redelivers the failed page and sees it delivered. Every page is scanned by axe-core and
// saved as a screenshot; the console's CSP refuses nothing it needs.
import type { Browser, Frame, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { axeViolations, launchBrowser, screenshot, widgetFrame } from './support/browser.ts';
import { consolePage, consoleStep, openFromNav, signIn } from './support/console.ts';
import { csv } from './support/files.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, type TestService } from './support/service.ts';

const FILE = csv([
  ['Name', 'Email', 'Age'],
  ['Ann', 'ann@example.com', '31'],
  ['Bob', 'bob@example.com', '40'],
  ['Cid', 'cid@example.com', '52'],
  ['Dee', 'dee@example.com', '23'],
  ['Eve', 'not-an-email', '55'],
]);

let t: TestService;
let receiver: Receiver;
let browser: Browser;
let page: Page;
/** Until the test says so, the receiver answers page 2 of an upload with a 500. */
let recovered = false;
const refusedByCsp: string[] = [];

beforeAll(async () => {
  receiver = await startReceiver((r) => (r.body?.page === 2 && r.body?.uploadId !== 'test' && !recovered
    ? { status: 500, body: 'receiver down for page 2' }
    : { status: 200, body: `stored page ${r.body?.page}` }));
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  browser = await launchBrowser();
  page = await consolePage(browser);
  page.on('console', (msg) => { if (msg.text().includes('Content Security Policy')) refusedByCsp.push(msg.text()); });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await receiver?.close();
});

/** A step of the widget inside the console: its heading, a screenshot of the console page and a scan of the widget. */
async function widgetStep(widget: Frame, name: string, heading: string) {
  await widget.getByRole('heading', { name: heading }).waitFor();
  await screenshot(page, `console-try-${name}`);
  expect(await axeViolations(widget), `accessibility of the widget's ${name}`).toEqual([]);
}

it('makes a template and its webhook, tests it, imports through the widget, and redelivers the page that failed', { timeout: 300_000 }, async () => {
  await signIn(page, t.url);
  await consoleStep(page, 'dashboard-empty', 'Dashboard');

  // A template of three columns.
  await openFromNav(page, 'Templates');
  await page.getByRole('link', { name: 'New template' }).click();
  await page.getByLabel('Code', { exact: true }).fill('people');
  await page.getByLabel('Template name').fill('People');
  const columns: [string, string, boolean][] = [['Name', 'Text', true], ['Email', 'Email', true], ['Age', 'Whole number', false]];
  for (const [i, [name, type, required]] of columns.entries()) {
    if (i > 0) await page.getByRole('button', { name: 'Add a column' }).click();
    const column = page.getByRole('group', { name: new RegExp(`^Column ${i + 1}\\b`) });
    await column.getByLabel('Name', { exact: true }).fill(name);
    await column.getByLabel('Type', { exact: true }).selectOption({ label: type });
    if (required) await column.getByLabel('Required').check();
  }
  await page.getByRole('button', { name: 'Create template' }).click();

  // Its webhook, worded as the webhook documentation words it.
  await consoleStep(page, 'destination-new', 'People: destination');
  await page.getByLabel('Enable the webhook').check();
  await page.getByLabel('Callback URL').fill(receiver.url);
  await page.getByLabel('Chunk Size').fill('2');
  await page.getByLabel('Retry Count').fill('0');
  await page.getByLabel('Retry Interval (ms)').fill('100');
  await page.getByRole('button', { name: 'Save destination' }).click();
  await page.getByText('Webhook enabled: the destination is saved.').waitFor();
  // The signing secret, shown this once.
  const secret = (await page.locator('.secret code').textContent())!;
  expect(secret).toMatch(/^whsec_/);
  await consoleStep(page, 'destination-saved', 'People: destination');
  expect((await t.api('GET', '/v1/templates/people/destination')).body.webhook).toMatchObject({
    callbackUrl: receiver.url, chunkSize: 2, retryCount: 0, retryInterval: 100, authHeaderName: null,
  });

  // A test send: its status, latency and the receiver's answer.
  await page.getByRole('button', { name: 'Send test' }).click();
  const result = page.locator('.test-result');
  await result.getByText('HTTP 200 in').waitFor();
  expect(await result.locator('pre').textContent()).toBe('stored page 1');
  expect(await result.getByText(/^\d+ ms$|^\d+(\.\d)? s$/).count()).toBeGreaterThan(0);
  await consoleStep(page, 'destination-test', 'People: destination');
  const test = receiver.received.at(-1)!;
  expect(test.body.uploadId).toBe('test');
  expect(new Webhook(secret).verify(test.raw, test.headers as Record<string, string>)).toMatchObject({ template: 'people', page: 1 });

  // The embed page, and the real widget opened from it.
  await page.getByRole('navigation', { name: 'Template' }).getByRole('link', { name: 'Embed' }).click();
  await consoleStep(page, 'embed', 'People: embed');
  expect(await page.locator('pre').filter({ hasText: `${t.url}/embed.js` }).count()).toBe(1);
  expect(await page.locator('pre').filter({ hasText: 'template: "people"' }).count()).toBe(1);
  expect(await page.locator('pre').filter({ hasText: `serviceUrl="${t.url}"` }).count()).toBe(1);
  await page.getByRole('button', { name: 'Try import' }).click();
  await page.locator('iframe').waitFor();
  const widget = await waitFor(async () => {
    try {
      const frame = widgetFrame(page, t.url);
      return (await frame.getByRole('heading', { name: 'Upload a file' }).count()) > 0 ? frame : undefined;
    } catch {
      return undefined;
    }
  }, 'the widget to show its first step', 30_000);
  await widgetStep(widget, '1-upload', 'Upload a file');
  await widget.setInputFiles('input[type=file]', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(FILE) });
  await widgetStep(widget, '2-header-row', 'Choose the sheet and the header row');
  await widget.getByRole('button', { name: 'Continue' }).click();
  await widget.getByRole('heading', { name: 'Map columns' }).waitFor();
  await widget.getByRole('button', { name: 'Check the rows' }).click();
  await widget.getByRole('heading', { name: 'Review and fix rows' }).waitFor();
  await widget.getByRole('button', { name: 'Continue' }).click();
  await widget.getByRole('heading', { name: 'Confirm the import' }).waitFor();
  await widget.getByRole('button', { name: 'Send 4 rows' }).click();
  await widgetStep(widget, '3-done', 'Import finished');
  await widget.getByText('1 of 2 pages could not be delivered; the other pages were.').waitFor();
  await widget.getByRole('button', { name: 'Close' }).last().click();
  await page.locator('iframe').waitFor({ state: 'detached' });

  // The console says how it ended, and links to the upload.
  await page.getByText('The import ended: completed with failures.').waitFor();
  await page.getByRole('link', { name: 'See the upload' }).click();
  await consoleStep(page, 'upload-failed-page', 'people.csv');
  const row = (n: number) => page.locator(`tr[data-page="${n}"]`);
  await row(2).locator('[data-status="failed"]').waitFor();
  expect(await row(1).locator('[data-status="delivered"]').count()).toBe(1);
  expect(await row(2).locator('td.last-error').textContent()).toContain('HTTP 500');
  const log = page.locator('tr[data-log-of="2"]');
  await log.getByText('Attempt log').click();
  await log.locator('pre.excerpt').filter({ hasText: 'receiver down for page 2' }).waitFor();
  const webhookId = await row(2).locator('.webhook-id').textContent();
  expect(webhookId).toBeTruthy();
  await page.getByRole('link', { name: 'Download invalid rows (CSV)' }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download invalid rows (CSV)' }).click()]);
  const { readFileSync } = await import('node:fs');
  expect(readFileSync(await download.path(), 'utf8')).toContain('not-an-email');
  await screenshot(page, 'console-upload-attempt-log');

  // The receiver recovers; the failed page goes again, with its webhook-id, and is delivered.
  recovered = true;
  await page.getByRole('button', { name: 'Redeliver failed pages (1)' }).click();
  await page.getByText('Page 2 queued to be sent again.').waitFor();
  await row(2).locator('[data-status="delivered"]').waitFor();
  await page.getByRole('heading', { level: 1, name: 'people.csv' }).waitFor();
  await page.locator('.page-header [data-status="completed"]').waitFor();
  await consoleStep(page, 'upload-redelivered', 'people.csv');
  const pages = receiver.received.filter((r) => r.body?.uploadId !== 'test');
  expect(pages.map((r) => [r.body.page, r.headers['webhook-id']])).toEqual([
    [1, expect.any(String)], [2, webhookId], [2, webhookId],
  ]);
  expect([pages[0], pages[2]].flatMap((r) => r.body.data)).toEqual([
    { name: 'Ann', email: 'ann@example.com', age: 31 },
    { name: 'Bob', email: 'bob@example.com', age: 40 },
    { name: 'Cid', email: 'cid@example.com', age: 52 },
    { name: 'Dee', email: 'dee@example.com', age: 23 },
  ]);

  // A page chosen by hand goes again too, delivered already or not: page 1, with its own webhook-id.
  const firstId = await row(1).locator('.webhook-id').textContent();
  await row(1).getByLabel('Choose page 1').check();
  await page.getByRole('button', { name: 'Redeliver chosen pages (1)' }).click();
  await page.getByText('Page 1 queued to be sent again.').waitFor();
  await waitFor(async () => (await row(1).locator('td.number').nth(1).textContent()) === '2' && (await row(1).getAttribute('data-status')) === 'delivered',
    'page 1 delivered a second time');
  expect(receiver.received.filter((r) => r.body?.uploadId !== 'test').map((r) => [r.body.page, r.headers['webhook-id']]).at(-1)).toEqual([1, firstId]);

  // The uploads list shows it, with its counts.
  await openFromNav(page, 'Uploads');
  await consoleStep(page, 'uploads', 'Uploads');
  const listed = page.locator('tbody tr').first();
  expect(await listed.locator('[data-status="completed"]').count()).toBe(1);
  expect(await listed.getByText('2 of 2 pages delivered').count()).toBe(1);
  expect(refusedByCsp).toEqual([]);
});

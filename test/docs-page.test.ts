// The API reference page in a browser: swagger-ui, served by the service itself, lists every operation of the
// document, loads nothing from another origin, logs no error (its CSP refuses nothing it needs), runs a request, and
// passes an accessibility scan.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { axeViolations, launchBrowser, screenshot } from './support/browser.ts';
import { startService, type TestService } from './support/service.ts';

let t: TestService;
let browser: Browser;
let page: Page;
let doc: any;
/** What the page logged as errors (a request its CSP refused among them), and every URL it asked for. */
const errors: string[] = [];
const requested: string[] = [];

beforeAll(async () => {
  t = await startService();
  doc = await (await fetch(`${t.url}/openapi.json`)).json();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // A step that hangs fails where it hangs, not at the test's timeout.
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('request', (req) => requested.push(req.url()));
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const operationCount = () => Object.values<Record<string, unknown>>(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);

it('lists every operation of the document by tag, from the service alone, with no error', async () => {
  await page.goto(`${t.url}/docs/`);
  await page.locator('.opblock').nth(operationCount() - 1).waitFor();
  expect(await page.title()).toBe('sheethook API reference');
  expect(await page.getByRole('heading', { name: /^sheethook/ }).textContent()).toContain('0.1.0');
  for (const tag of doc.tags) await expect(page.locator('.opblock-tag', { hasText: tag.name }).first().isVisible()).resolves.toBe(true);

  const shown = await page.locator('.opblock-summary').evaluateAll((summaries) => summaries.map((s) => {
    const method = s.querySelector('.opblock-summary-method')?.textContent;
    return `${method} ${s.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`;
  }));
  const documented = Object.entries<Record<string, unknown>>(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
  expect(documented.length).toBeGreaterThan(30);
  expect(shown.sort()).toEqual(documented.sort());
  await expect(page.getByText('Create a template', { exact: true }).isVisible()).resolves.toBe(true);

  await screenshot(page, 'docs');
  expect(await axeViolations(page.mainFrame())).toEqual([]);
  expect(errors).toEqual([]);
  expect(requested.length).toBeGreaterThan(5);
  for (const url of requested) expect(url.startsWith(`${t.url}/`) || url.startsWith('data:'), url).toBe(true);
});

it('runs a request from the page and shows an operation\'s body and answers, within its CSP', async () => {
  const health = page.locator('.opblock', { has: page.locator('[data-path="/health"]') });
  await health.locator('.opblock-summary-control').click();
  await health.getByRole('button', { name: 'Try it out' }).click();
  await health.getByRole('button', { name: 'Execute' }).click();
  const answer = health.locator('.live-responses-table .response .response-col_status');
  await answer.waitFor();
  expect((await answer.textContent())?.trim()).toBe('200');
  expect(await health.locator('.live-responses-table .response .response-col_description').textContent()).toContain('"status": "ok"');

  const create = page.locator('.opblock', { has: page.locator('.opblock-summary-description', { hasText: 'Create a template' }) });
  await create.locator('.opblock-summary-control').click();
  await create.locator('.responses-wrapper').waitFor();
  // Its answers: the template, and each error with its code named.
  for (const status of ['201', '400', '401', '409', '500']) await create.locator(`.response[data-code="${status}"]`).waitFor();
  await expect(create.getByText('A template with this code exists: template_exists').isVisible()).resolves.toBe(true);
  await screenshot(page, 'docs-operation');
  expect(await axeViolations(page.mainFrame())).toEqual([]);
  expect(errors).toEqual([]);
  for (const url of requested) expect(url.startsWith(`${t.url}/`) || url.startsWith('data:'), url).toBe(true);
});

it('offers the API key, the import session token and the console cookie to authorize with', async () => {
  await page.getByRole('button', { name: 'Authorize' }).first().click();
  const dialog = page.locator('.modal-ux');
  await dialog.waitFor();
  for (const scheme of ['apiKey', 'importSession', 'consoleSession']) await dialog.getByRole('heading', { name: new RegExp(`^${scheme}`) }).waitFor();
  await screenshot(page, 'docs-authorize');
  // swagger-ui's own dialog, which the page cannot change short of replacing it: its close button has no name, and
  // its "Authorize" buttons are labelled "Apply credentials". Listed so that a change in them is seen.
  expect((await axeViolations(page.mainFrame())).map((v) => v.id).sort()).toEqual(['button-name', 'label-content-name-mismatch']);
  expect(errors).toEqual([]);
});

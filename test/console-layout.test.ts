// The console at 375 px wide and by keyboard alone: the navigation folds behind a menu button, nothing but a table
// scrolls sideways, a skip link and visible focus, each page's heading takes focus when it opens, a dialog holds
// focus and gives it back; and the dark scheme, scanned for contrast like the light one.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot } from './support/browser.ts';
import { consolePage, consoleStep, signIn } from './support/console.ts';
import { csv, importForm } from './support/files.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';

let t: TestService;
let receiver: Receiver;
let browser: Browser;
let uploadId: string;

beforeAll(async () => {
  receiver = await startReceiver((r) => (r.body?.page === 2 ? { status: 502, body: 'bad gateway upstream' } : { status: 200 }));
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  const columns = [{ key: 'name', name: 'Name', required: true }, { key: 'email', name: 'Email', type: 'email' }];
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns })).status).toBe(201);
  expect((await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 2 } })).status).toBe(200);
  const file = csv([['Name', 'Email'], ['Ann', 'ann@example.com'], ['Bob', 'bob@example.com'], ['Cid', 'cid@example.com'], ['Dee', 'broken']]);
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file, fileName: 'people-with-a-long-file-name-2024.csv' }));
  uploadId = res.body.uploadId;
  expect((await waitForFinal(t, uploadId, 60_000)).status).toBe('completed_with_failures');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await receiver?.close();
});

/** Nothing wider than the window but what scrolls on its own (tables, code). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return { tag: el?.tagName, text: el?.textContent?.trim(), outline: el ? getComputedStyle(el).outlineStyle : '' };
});

it('works at 375 px wide by keyboard alone: skip link, menu, focus on each page\'s heading, a dialog that gives focus back', { timeout: 180_000 }, async () => {
  const page = await consolePage(browser, { width: 375, height: 740 });
  await page.goto(`${t.url}/admin/templates`);
  await consoleStep(page, 'narrow-sign-in', 'sheethook console');
  expect(await overflow(page)).toBe(0);
  // The field has focus: a person types the key and presses Enter.
  await page.keyboard.type('sk_test_key');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();

  // Folded: the links are behind the menu button.
  const menu = page.getByRole('button', { name: 'Menu' });
  expect(await menu.getAttribute('aria-expanded')).toBe('false');
  expect(await page.getByRole('link', { name: 'Uploads' }).isVisible()).toBe(false);
  await consoleStep(page, 'narrow-templates', 'Templates');
  expect(await overflow(page)).toBe(0);

  await page.keyboard.press('Tab');
  expect(await focused(page)).toMatchObject({ tag: 'A', text: 'Skip to content', outline: 'solid' });
  await page.keyboard.press('Tab');
  expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Menu', outline: 'solid' });
  await page.keyboard.press('Enter');
  expect(await menu.getAttribute('aria-expanded')).toBe('true');
  await screenshot(page, 'console-narrow-menu');
  for (let i = 0; i < 10 && (await focused(page)).text !== 'Uploads'; i++) await page.keyboard.press('Tab');
  expect(await focused(page)).toMatchObject({ tag: 'A', text: 'Uploads', outline: 'solid' });
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Uploads' }).waitFor();
  expect(await focused(page)).toMatchObject({ tag: 'H1', text: 'Uploads' });
  expect(await menu.getAttribute('aria-expanded')).toBe('false');
  expect(await overflow(page)).toBe(0);

  // On to the upload by keyboard: its link, Enter.
  await page.getByRole('link', { name: 'people-with-a-long-file-name-2024.csv' }).focus();
  await page.keyboard.press('Enter');
  await consoleStep(page, 'narrow-upload', 'people-with-a-long-file-name-2024.csv');
  expect(await focused(page)).toMatchObject({ tag: 'H1' });
  expect(await overflow(page)).toBe(0);
  await page.screenshot({ path: 'test-results/screenshots/console-narrow-upload-full.png', fullPage: true });

  // A dialog: opened with Enter, focus inside on Cancel, Escape closes it, focus back on its button.
  await menu.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Templates' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
  const remove = page.getByRole('button', { name: 'Delete template People' });
  await remove.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Delete the template “People”?' }).waitFor();
  expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Cancel' });
  await consoleStep(page, 'narrow-dialog', 'Templates');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  expect(await focused(page)).toMatchObject({ tag: 'BUTTON', text: 'Delete template People' });
  expect((await t.api('GET', '/v1/templates/people')).status).toBe(200);
  await page.context().close();
});

it('follows the system\'s dark scheme, with enough contrast', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'dark' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await signIn(page, t.url, `/admin/uploads/${uploadId}`);
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(22, 24, 28)');
  await page.locator('tr[data-log-of="2"]').getByText('Attempt log').click();
  await consoleStep(page, 'dark-upload', 'people-with-a-long-file-name-2024.csv');
  await page.goto(`${t.url}/admin/templates/people/destination`);
  await consoleStep(page, 'dark-destination', 'People: destination');
  await page.goto(`${t.url}/admin/`);
  await page.locator('.chart-canvas canvas').first().waitFor();
  await consoleStep(page, 'dark-dashboard', 'Dashboard');
  await context.close();
});

// The widget on a phone-sized screen (375 px wide): each step fits the width (no page-wide sideways scrolling; the
// grid scrolls inside its own box), its controls stay reachable, and each step is saved as a screenshot.
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { axeViolations, createImportSession, hostEvents, launchBrowser, screenshot, startHostApp, widgetFrame, type HostApp } from './support/browser.ts';
import { csv } from './support/files.ts';
import { startService, waitFor, type TestService } from './support/service.ts';

const COLUMNS = [
  { key: 'name', name: 'Full name', type: 'string', required: true },
  { key: 'email', name: 'Email address', type: 'email', required: true, unique: true },
  { key: 'plan', name: 'Subscription plan', type: 'select', selectValues: ['free', 'pro'] },
  { key: 'joined', name: 'Joined on', type: 'date' },
];
const FILE = csv([
  ['Full name', 'Email address', 'Subscription plan', 'Joined on'],
  ['Ann Lee', 'ann@example.com', 'pro', '2024-03-01'],
  ['Bob Stone', 'bob@example', 'gold', '2024-13-01'],
  ['Cid Moreau-Ferreira', 'cid@example.com', 'free', '2023-11-30'],
]);

let t: TestService;
let host: HostApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: COLUMNS })).status).toBe(201);
  // Nothing is delivered here: the destination only has to exist for a session to be made.
  const webhook = { callbackUrl: 'http://127.0.0.1:9/rows', chunkSize: 100 };
  expect((await t.api('PUT', '/v1/templates/people/destination', { webhook })).status).toBe(200);
  host = await startHostApp({ serviceUrl: t.url, session: (origin) => createImportSession(t.url, { template: 'people', allowedOrigins: [origin] }) });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2 });
  page.setDefaultTimeout(20_000);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await t?.stop();
});

/** How far the widget's page is wider than its frame: 0 when nothing makes the whole page scroll sideways. */
const overflow = (widget: Frame) => widget.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function step(widget: Frame, name: string, heading: string) {
  await widget.getByRole('heading', { name: heading }).waitFor();
  await screenshot(page, `narrow-${name}`);
  expect(await overflow(widget), `sideways overflow at step ${name}`).toBeLessThanOrEqual(0);
  expect(await axeViolations(widget), `accessibility of step ${name}`).toEqual([]);
}

it('takes a file through every step on a 375 px wide screen', { timeout: 120_000 }, async () => {
  await page.goto(host.origin + '/');
  await page.click('#import');
  await waitFor(async () => (await hostEvents(page)).some((e) => e.event === 'ready'), 'the widget to be ready', 60_000);
  const widget = widgetFrame(page, t.url);
  // The modal fills the narrow screen rather than a box beside it.
  const frameBox = await page.locator('iframe').boundingBox();
  expect(frameBox!.width).toBeGreaterThanOrEqual(360);
  await step(widget, '1-upload', 'Upload a file');

  await widget.setInputFiles('input[type=file]', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(FILE) });
  await step(widget, '2-header-row', 'Choose the sheet and the header row');
  await widget.getByRole('button', { name: 'Continue' }).click();
  await step(widget, '3-mapping', 'Map columns');
  // Each heading's choice stays inside its column's card.
  for (const card of await widget.locator('.mapping-list li').all()) {
    const [outer, inner] = [await card.boundingBox(), await card.locator('select').boundingBox()];
    expect(inner!.x + inner!.width).toBeLessThanOrEqual(outer!.x + outer!.width);
  }
  await widget.getByRole('button', { name: 'Check the rows' }).click();

  await step(widget, '4-review', 'Review and fix rows');
  await widget.getByRole('button', { name: 'Invalid (1)' }).waitFor();
  // The grid is wider than the screen: it scrolls inside its own box, and its last column can be reached.
  const grid = widget.getByRole('grid');
  expect(await grid.evaluate((g) => g.scrollWidth > g.clientWidth)).toBe(true);
  await widget.getByRole('gridcell', { name: /^2024-13-01/ }).scrollIntoViewIfNeeded();
  expect(await widget.getByRole('gridcell', { name: /^2024-13-01/ }).isVisible()).toBe(true);
  await screenshot(page, 'narrow-4-review-scrolled');

  await widget.getByRole('button', { name: 'Continue' }).click();
  await step(widget, '5-confirm', 'Confirm the import');
  // The confirming button is on screen, not cut off at the right.
  const confirm = await widget.getByRole('button', { name: 'Send 2 rows' }).boundingBox();
  expect(confirm!.x + confirm!.width).toBeLessThanOrEqual(375);
});

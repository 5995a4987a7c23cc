// The import widget end to end, as a person uses it: a host page on another origin than the service gets a session
// from its backend and opens the widget; the person uploads a CSV with invalid rows, maps a column by hand, fixes a
// cell, deletes a row, uses find & replace, confirms and watches the delivery finish. The receiver gets exactly the
// expected rows with the authHeaderValue and extra the backend bound, and no response the browser got holds that
// value. Each step is scanned by axe-core (no serious or critical violation) and saved as a screenshot.
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import {
  axeViolations, createImportSession, hostEvents, launchBrowser, screenshot, startHostApp, widgetFrame, type HostApp,
} from './support/browser.ts';
import { csv } from './support/files.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, type TestService } from './support/service.ts';

const SECRET = 'receiver-secret-7f3a9c';
const COLUMNS = [
  { key: 'name', name: 'Name', type: 'string', required: true },
  { key: 'email', name: 'Email', type: 'email', required: true, unique: true },
  { key: 'age', name: 'Age', type: 'integer', min: 0, max: 130 },
];
// "How old" matches no column: the person maps it to Age by hand. Bob's email, Cid's and Dee's ages are invalid.
const FILE = csv([
  ['Name', 'Email', 'How old'],
  ['Ann', 'ann@example.com', '31'],
  ['Bob', 'bob@example', '40'],
  ['Cid', 'cid@example.com', 'old'],
  ['Dee', 'dee@example.com', 'twenty'],
  ['Eve', 'eve@example.com', '55'],
]);

let t: TestService;
let receiver: Receiver;
let host: HostApp;
let browser: Browser;
let page: Page;
/** The receiver holds its first page until the test has seen the progress screen. */
let releaseFirstPage: () => void;
const firstPageHeld = new Promise<void>((resolve) => { releaseFirstPage = resolve; });
/** Every response the browser received, from the host and from the service, with its body. */
const responses: Promise<{ url: string; body: string }>[] = [];
/** What the widget's CSP refused, as the browser reports it on the console. */
const refusedByCsp: string[] = [];

beforeAll(async () => {
  receiver = await startReceiver((r) => (r.n === 1 ? { held: firstPageHeld.then(() => ({ status: 200 })) } : { status: 200 }));
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: COLUMNS })).status).toBe(201);
  const webhook = { callbackUrl: receiver.url, chunkSize: 3, authHeaderName: 'X-Receiver-Token' };
  expect((await t.api('PUT', '/v1/templates/people/destination', { webhook })).status).toBe(200);
  host = await startHostApp({
    serviceUrl: t.url,
    session: (origin) => createImportSession(t.url, {
      template: 'people', authHeaderValue: SECRET, extra: { userId: 42, team: 'sales' }, allowedOrigins: [origin],
      user: { id: 'u-42', email: 'ann.host@example.com' },
    }),
  });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (msg) => { if (msg.text().includes('Content Security Policy')) refusedByCsp.push(msg.text()); });
  page.on('response', (res) => {
    responses.push(res.body().then((b) => ({ url: res.url(), body: b.toString('utf8') }), () => ({ url: res.url(), body: '' })));
  });
});

afterAll(async () => {
  releaseFirstPage?.();
  await browser?.close();
  await host?.close();
  await t?.stop();
  await receiver?.close();
});

/** A step: its heading shown, then a screenshot and an accessibility scan of the widget. */
async function step(widget: Frame, name: string, heading: string) {
  await widget.getByRole('heading', { name: heading }).waitFor();
  await screenshot(page, `flow-${name}`);
  expect(await axeViolations(widget), `accessibility of step ${name}`).toEqual([]);
}

it('imports a file through the widget embedded on another origin: fix, delete, replace, confirm, delivered', { timeout: 120_000 }, async () => {
  await page.goto(host.origin + '/');
  await page.click('#import');
  await waitFor(async () => (await hostEvents(page)).some((e) => e.event === 'ready'), 'the widget to be ready');
  const widget = widgetFrame(page, t.url);
  await step(widget, '1-upload', 'Upload a file');

  await widget.setInputFiles('input[type=file]', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(FILE) });
  await step(widget, '2-header-row', 'Choose the sheet and the header row');
  await widget.getByRole('button', { name: 'Continue' }).click();

  await step(widget, '3-mapping', 'Map columns');
  await widget.getByLabel('Heading for Age').selectOption({ label: 'How old' });
  await widget.getByRole('button', { name: 'Check the rows' }).click();

  await step(widget, '4-review', 'Review and fix rows');
  await widget.getByRole('button', { name: 'Invalid (3)' }).waitFor();
  // Bob's email, fixed in its cell.
  await widget.getByRole('gridcell', { name: /^bob@example/ }).dblclick();
  await widget.getByLabel('New value of Email, row 3').fill('bob@example.com');
  await widget.getByLabel('New value of Email, row 3').press('Enter');
  await widget.getByText('Row 3 saved.').waitFor();
  // Cid's row, deleted.
  await widget.getByRole('button', { name: 'Invalid (2)' }).waitFor();
  await widget.getByLabel('Select row 4').check();
  await widget.getByRole('button', { name: 'Delete selected rows (1)' }).click();
  // Asked once more; Cancel keeps the row, then the deletion is confirmed.
  const ask = widget.getByRole('alertdialog', { name: 'Delete 1 selected rows?' });
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await ask.waitFor({ state: 'detached' });
  expect(await widget.getByRole('button', { name: 'Delete selected rows (1)' }).isEnabled()).toBe(true);
  await widget.getByRole('button', { name: 'Delete selected rows (1)' }).click();
  await screenshot(page, 'widget-delete-confirm');
  await ask.getByRole('button', { name: 'Delete 1 rows' }).click();
  await widget.getByText('1 rows deleted.').waitFor();
  // Dee's age, by find & replace in the Age column.
  await widget.getByRole('button', { name: 'Find and replace' }).click();
  const dialog = widget.getByRole('dialog', { name: 'Find and replace' });
  await dialog.getByLabel('Column').selectOption({ label: 'Age' });
  await dialog.getByLabel('Find').fill('twenty');
  await dialog.getByLabel('Replace with').fill('20');
  await screenshot(page, 'flow-5-find-replace');
  expect(await axeViolations(widget), 'accessibility of the find & replace dialog').toEqual([]);
  await dialog.getByRole('button', { name: 'Replace all' }).click();
  await widget.getByText('1 rows changed.').waitFor();
  await widget.getByRole('button', { name: 'Invalid (0)' }).waitFor();
  await widget.getByRole('button', { name: 'All (4)' }).click();
  await screenshot(page, 'flow-6-review-fixed');
  await widget.getByRole('button', { name: 'Continue' }).click();

  await step(widget, '7-confirm', 'Confirm the import');
  await widget.getByRole('button', { name: 'Send 4 rows' }).click();
  await step(widget, '8-sending', 'Sending rows');
  await widget.getByText('0 of 2 pages delivered').waitFor();
  releaseFirstPage();
  await step(widget, '9-done', 'Import finished');
  await widget.getByText('All 4 rows were delivered.').waitFor();

  const events = await hostEvents(page);
  expect(events.map((e) => e.event)).toEqual(['ready', 'upload-started', 'upload-completed', 'delivery-finished']);
  expect(events[2]).toMatchObject({ totalRecords: 5, validRecords: 2, invalidRecords: 3 });
  expect(events[3]).toMatchObject({ status: 'completed', validRecords: 4 });

  // The receiver: exactly the fixed rows, with the session's secret and extra.
  const rows = receiver.received.flatMap((r) => r.body.data);
  expect(rows).toEqual([
    { name: 'Ann', email: 'ann@example.com', age: 31 },
    { name: 'Bob', email: 'bob@example.com', age: 40 },
    { name: 'Dee', email: 'dee@example.com', age: 20 },
    { name: 'Eve', email: 'eve@example.com', age: 55 },
  ]);
  for (const r of receiver.received) {
    expect(r.headers['x-receiver-token']).toBe(SECRET);
    expect(r.body.extra).toEqual({ userId: 42, team: 'sales' });
  }

  await widget.getByRole('button', { name: 'Close' }).last().click();
  await waitFor(async () => (await page.locator('[role="dialog"]').count()) === 0, 'the modal to close');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('import');

  // Nothing the browser received holds the secret: not the widget's API answers, not the host's.
  expect(refusedByCsp).toEqual([]);
  const received = await Promise.all(responses);
  const paths = received.map((r) => new URL(r.url).pathname);
  expect(paths).toEqual(expect.arrayContaining(['/backend/session', '/v1/import-sessions/current', '/v1/uploads', '/widget/']));
  expect(received.filter((r) => r.body.includes(SECRET)).map((r) => r.url)).toEqual([]);
});

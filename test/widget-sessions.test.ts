// The widget on a host page of another origin, beyond the happy path: a workbook whose sheet the person picks, a file
// refused with a reason, a session the backend revokes, a page the session does not allow, and a session token that
// the browser turns against templates and another session's upload. Each state is scanned by axe-core and saved.
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject, it } from 'vitest';
import {
  axeViolations, createImportSession, hostEvents, launchBrowser, pressToClose, screenshot, startHostApp, widgetFrame, type HostApp,
} from './support/browser.ts';
import { csv, importForm, NAME_EMAIL_AGE } from './support/files.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { callApi, startService, waitFor, type TestService } from './support/service.ts';

let t: TestService;
let receiver: Receiver;
let host: HostApp;
let browser: Browser;
let page: Page;
/** What the next session the host backend makes allows: the host's own origin unless a test says otherwise. */
let allowedOrigins: (origin: string) => string[] = (origin) => [origin];

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: NAME_EMAIL_AGE })).status).toBe(201);
  expect((await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10 } })).status).toBe(200);
  host = await startHostApp({
    serviceUrl: t.url,
    session: (origin) => createImportSession(t.url, { template: 'people', extra: { from: 'widget-sessions' }, allowedOrigins: allowedOrigins(origin) }),
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await t?.stop();
  await receiver?.close();
});

beforeEach(async () => {
  allowedOrigins = (origin) => [origin];
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(host.origin + '/');
});

afterEach(async () => {
  await page.close();
});

async function openWidget() {
  await page.click('#import');
  await waitFor(async () => (await hostEvents(page)).some((e) => e.event === 'ready'), 'the widget to be ready');
  return widgetFrame(page, t.url);
}

async function workbook(sheets: { name: string; rows: (string | number)[][] }[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const s of sheets) book.addWorksheet(s.name).addRows(s.rows);
  return Buffer.from(await book.xlsx.writeBuffer());
}

it('reads the sheet of a two-sheet workbook that the person picks, and delivers its rows', async () => {
  const file = await workbook([
    { name: 'Notes', rows: [['Exported on Monday'], ['Nothing else here']] },
    { name: 'People', rows: [['Name', 'Email', 'Age'], ['Kim', 'kim@example.com', 28], ['Lou', 'lou@example.com', 33]] },
  ]);
  const widget = await openWidget();
  await widget.setInputFiles('input[type=file]', { name: 'people.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
  // The header step's one drop-down: the sheet.
  const sheet = widget.getByRole('combobox');
  await sheet.waitFor();
  expect(await sheet.locator('option').allTextContents()).toEqual(['Notes', 'People']);
  // The sheet whose headings match the template is chosen; the person looks at the other one, then back.
  expect(await sheet.inputValue()).toBe('People');
  await sheet.selectOption('Notes');
  await widget.getByRole('cell', { name: 'Exported on Monday' }).waitFor();
  await screenshot(page, 'sessions-workbook-notes');
  expect(await axeViolations(widget)).toEqual([]);
  await sheet.selectOption('People');
  await widget.getByRole('cell', { name: 'kim@example.com' }).waitFor();
  await widget.getByRole('button', { name: 'Continue' }).click();
  await widget.getByRole('button', { name: 'Check the rows' }).click();
  await widget.getByRole('button', { name: 'Valid (2)' }).waitFor();
  await widget.getByRole('button', { name: 'Continue' }).click();
  await widget.getByRole('button', { name: 'Send 2 rows' }).click();
  await widget.getByText('All 2 rows were delivered.').waitFor();
  const upload = (await hostEvents(page)).find((e) => e.event === 'delivery-finished')!;
  const rows = receiver.received.filter((r) => r.body.uploadId === upload.uploadId).flatMap((r) => r.body.data);
  expect(rows).toEqual([{ name: 'Kim', email: 'kim@example.com', age: 28 }, { name: 'Lou', email: 'lou@example.com', age: 33 }]);
});

it('refuses a file that is not a spreadsheet, and a legacy .xls, saying why', async () => {
  const widget = await openWidget();
  await widget.setInputFiles('input[type=file]', { name: 'photo.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
  await widget.getByRole('alert').filter({ hasText: 'photo.pdf is not a CSV, TSV or XLSX file' }).waitFor();
  // An Excel 97-2003 file saved under a .csv name: the service reads its first bytes and refuses it.
  const legacy = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
  await widget.setInputFiles('input[type=file]', { name: 'old.csv', mimeType: 'text/csv', buffer: legacy });
  await widget.getByRole('alert').filter({ hasText: 'old.csv could not be used' }).waitFor();
  expect(await widget.getByRole('alert').textContent()).toContain('save the file as .xlsx or .csv');
  await screenshot(page, 'sessions-refused-file');
  expect(await axeViolations(widget)).toEqual([]);
  // Still on the upload step: the person can try another file.
  expect(await widget.getByRole('heading', { name: 'Upload a file' }).isVisible()).toBe(true);
});

it('tells the person when the backend revoked the session, and the service refuses its token from then on', async () => {
  const widget = await openWidget();
  const { sessionId, sessionToken } = host.sessions.at(-1)!;
  expect((await t.api('DELETE', `/v1/import-sessions/${sessionId}`)).status).toBe(204);
  await widget.setInputFiles('input[type=file]', { name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv([['Name', 'Email'], ['Ann', 'ann@example.com']])) });
  await widget.getByText('This import was ended by the site.').waitFor();
  await screenshot(page, 'sessions-revoked');
  expect(await axeViolations(widget)).toEqual([]);
  expect((await callApi(t.url, 'GET', '/v1/import-sessions/current', undefined, sessionToken)).body.code).toBe('session_revoked');
  // Escape inside the widget closes the modal, as on the host page, and the host hears it.
  await widget.getByText('This import was ended by the site.').click();
  await pressToClose(page, 'Escape');
  expect((await hostEvents(page)).map((e) => e.event)).toContain('closed');
});

it('shows nothing of the session on a page whose origin the session does not allow, and sends it no event', async () => {
  allowedOrigins = () => ['https://app.example.com'];
  await page.click('#import');
  const widget = await waitFor(() => page.frames().find((f) => f.url().startsWith(`${t.url}/widget/`)), 'the widget frame');
  await widget.getByText('This page may not open this import.').waitFor();
  await screenshot(page, 'sessions-origin-refused');
  expect(await axeViolations(widget)).toEqual([]);
  expect(await hostEvents(page)).toEqual([]);
  expect(await widget.getByRole('heading', { name: 'Upload a file' }).count()).toBe(0);
});

it('refuses the session token, used from the browser, against templates and against another session\'s upload', async () => {
  await openWidget();
  const token = host.tokens.at(-1)!;
  // Another person's session and upload, made server-side.
  const other = await createImportSession(t.url, { template: 'people' });
  const theirs = await callApi(t.url, 'POST', '/v1/uploads',
    importForm({ file: csv([['Name', 'Email'], ['Zed', 'zed@example.com']]), fileName: 'theirs.csv' }), other.sessionToken);
  expect(theirs.status).toBe(201);

  const attempts = await page.evaluate(async ({ service, token, uploadId }) => {
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(service + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { path: `${method} ${path}`, status: res.status, code: (await res.json()).code };
    };
    return [
      await call('GET', '/v1/templates'),
      await call('POST', '/v1/templates', { code: 'mine', name: 'Mine', columns: [] }),
      await call('GET', `/v1/uploads/${uploadId}`),
      await call('GET', `/v1/uploads/${uploadId}/records`),
      await call('POST', `/v1/uploads/${uploadId}/cancel`),
    ];
  }, { service: t.url, token, uploadId: theirs.body.uploadId as string });
  expect(attempts).toEqual([
    { path: 'GET /v1/templates', status: 403, code: 'forbidden_for_session' },
    { path: 'POST /v1/templates', status: 403, code: 'forbidden_for_session' },
    { path: `GET /v1/uploads/${theirs.body.uploadId}`, status: 403, code: 'forbidden_for_session' },
    { path: `GET /v1/uploads/${theirs.body.uploadId}/records`, status: 403, code: 'forbidden_for_session' },
    { path: `POST /v1/uploads/${theirs.body.uploadId}/cancel`, status: 403, code: 'forbidden_for_session' },
  ]);
  // Their upload is untouched.
  expect((await t.api('GET', `/v1/uploads/${theirs.body.uploadId}`)).body.status).toBe('mapping');
});

// @sheethook/react, built as a host app installs it, in a React page of another origin: <SheethookImport> opens the
// widget with a token its backend makes when pressed, useSheethook's isOpen follows the modal, and the widget's events
// reach the component's callbacks, against the real service and widget with sessions its backend makes.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import {
  axeViolations, createImportSession, hostEvents, launchBrowser, screenshot, startHostApp, widgetFrame, type HostApp,
} from './support/browser.ts';
import { NAME_EMAIL_AGE } from './support/files.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, type TestService } from './support/service.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let t: TestService;
let receiver: Receiver;
let host: HostApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // The package as `npm run build:react` makes it, then a host app bundled against its dist/.
  await promisify(execFile)('npm', ['run', '--silent', 'build:react'], { cwd: ROOT });
  expect(existsSync(`${ROOT}packages/react/dist/index.d.ts`)).toBe(true);
  const bundle = await build({
    entryPoints: [`${ROOT}test/fixtures/react-host/app.jsx`], bundle: true, write: false, format: 'esm', jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'silent',
  });
  receiver = await startReceiver();
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: NAME_EMAIL_AGE })).status).toBe(201);
  expect((await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url } })).status).toBe(200);
  host = await startHostApp({
    serviceUrl: t.url,
    session: (origin) => createImportSession(t.url, { template: 'people', allowedOrigins: [origin] }),
    files: {
      '/react': {
        type: 'text/html',
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>React host</title></head><body><div id="root"></div>
<script>window.SERVICE_URL = ${JSON.stringify(t.url)};</script><script type="module" src="/react.js"></script></body></html>`,
      },
      '/react.js': { type: 'text/javascript', body: Buffer.from(bundle.outputFiles[0].contents) },
    },
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${host.origin}/react`);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await t?.stop();
  await receiver?.close();
});

const readies = async () => (await hostEvents(page)).filter((e) => e.event === 'ready');

it('<SheethookImport> fetches a token when pressed, opens the widget with it and relays its events', async () => {
  await page.click('#component-open');
  await waitFor(async () => (await readies()).length === 1, 'the widget to be ready');
  // The widget loaded the session the backend made for this press.
  expect((await readies())[0]).toEqual({ event: 'ready', sessionId: host.sessions[0].sessionId });
  expect(await page.getAttribute('[role="dialog"]', 'aria-label')).toBe('Import people');
  const widget = widgetFrame(page, t.url);
  await widget.getByRole('heading', { name: 'Import people' }).waitFor();
  // The embed script came from the service, once.
  expect(await page.evaluate(() => Array.from(document.scripts).map((s) => s.src).filter((s) => s.endsWith('/embed.js'))))
    .toEqual([`${t.url}/embed.js`]);
  await screenshot(page, 'react-component-open');
  expect(await axeViolations(page.mainFrame())).toEqual([]);

  await widget.getByRole('button', { name: 'Close' }).click();
  await waitFor(async () => (await hostEvents(page)).some((e) => e.event === 'closed'), 'onClose');
  expect(await page.locator('[role="dialog"]').count()).toBe(0);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('component-open');
});

it('useSheethook opens and closes the widget, and isOpen follows it', async () => {
  expect(await page.textContent('#hook-state')).toBe('closed');
  await page.click('#hook-open');
  await waitFor(async () => (await readies()).length === 2, 'the widget to be ready again');
  expect((await readies())[1]).toEqual({ event: 'ready', sessionId: host.sessions[1].sessionId });
  expect(await page.textContent('#hook-state')).toBe('open');
  expect(await page.getAttribute('[role="dialog"]', 'aria-label')).toBe('Import with the hook');
  // The page behind the modal is inert, so the hook's close is called as a host's code would call it.
  await page.evaluate(() => (document.getElementById('hook-close') as HTMLButtonElement).click());
  await waitFor(async () => (await page.textContent('#hook-state')) === 'closed', 'isOpen to turn false');
  expect(await page.locator('[role="dialog"]').count()).toBe(0);
});

// @sheethook/react, built as a host app installs it, in a React page of another origin: <SheethookImport> opens the
// widget with a token its backend makes when pressed, useSheethook's isOpen follows the modal, and the widget's events
// reach the component's callbacks. The widget is the stand-in of test/fixtures/web.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import {
  hostEvents, launchBrowser, screenshot, standInWebDir, startHostApp, widgetFrame, type HostApp,
} from './support/browser.ts';
import { startService, waitFor, type TestService } from './support/service.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let t: TestService;
let web: ReturnType<typeof standInWebDir>;
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
  web = standInWebDir(inject('webDir'));
  t = await startService({ SHEETHOOK_WEB_DIR: web.dir });
  let n = 0;
  host = await startHostApp({
    serviceUrl: t.url,
    session: async () => ({ sessionToken: `ist_react_${++n}` }),
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
  web?.remove();
});

const readies = async () => (await hostEvents(page)).filter((e) => e.event === 'ready');

it('<SheethookImport> fetches a token when pressed, opens the widget with it and relays its events', async () => {
  await page.click('#component-open');
  await waitFor(async () => (await readies()).length === 1, 'the widget to be ready');
  expect((await readies())[0].received).toMatchObject({
    sessionToken: 'ist_react_1', options: { title: 'Import people', locale: 'en' }, origin: host.origin,
  });
  expect(await page.getAttribute('[role="dialog"]', 'aria-label')).toBe('Import people');
  // The embed script came from the service, once.
  expect(await page.evaluate(() => Array.from(document.scripts).map((s) => s.src).filter((s) => s.endsWith('/embed.js'))))
    .toEqual([`${t.url}/embed.js`]);
  await screenshot(page, 'react-component-open');

  await widgetFrame(page, t.url).click('#finish');
  await waitFor(async () => (await hostEvents(page)).some((e) => e.event === 'delivery-finished'), 'the delivery event');
  await widgetFrame(page, t.url).click('#close');
  await waitFor(async () => (await hostEvents(page)).some((e) => e.event === 'closed'), 'onClose');
  expect(await page.locator('[role="dialog"]').count()).toBe(0);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('component-open');
});

it('useSheethook opens and closes the widget, and isOpen follows it', async () => {
  expect(await page.textContent('#hook-state')).toBe('closed');
  await page.click('#hook-open');
  await waitFor(async () => (await readies()).length === 2, 'the widget to be ready again');
  expect((await readies())[1].received.sessionToken).toBe('ist_react_2');
  expect(await page.textContent('#hook-state')).toBe('open');
  expect(await page.getAttribute('[role="dialog"]', 'aria-label')).toBe('Import with the hook');
  // The page behind the modal is inert, so the hook's close is called as a host's code would call it.
  await page.evaluate(() => (document.getElementById('hook-close') as HTMLButtonElement).click());
  await waitFor(async () => (await page.textContent('#hook-state')) === 'closed', 'isOpen to turn false');
  expect(await page.locator('[role="dialog"]').count()).toBe(0);
});

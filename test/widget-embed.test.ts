// /embed.js on a host page of another origin: a modal that holds focus and gives it back, the ready/init handshake
// with the token kept out of URLs, the widget's events relayed to the host's callbacks, and forged messages ignored.
// The widget here is a stand-in (test/fixtures/web) that speaks the contract, so only the embed script is under test.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject, it } from 'vitest';
import {
  axeViolations, hostEvents, launchBrowser, pressToClose, screenshot, standInWebDir, startHostApp, widgetFrame, type HostApp,
} from './support/browser.ts';
import { startService, waitFor, type TestService } from './support/service.ts';

let t: TestService;
let web: ReturnType<typeof standInWebDir>;
let host: HostApp;
let browser: Browser;
let page: Page;
let sessions = 0;

beforeAll(async () => {
  web = standInWebDir(inject('webDir'));
  t = await startService({ SHEETHOOK_WEB_DIR: web.dir });
  // The stand-in does not call the API: any token shows what the handshake carries.
  host = await startHostApp({ serviceUrl: t.url, session: async () => ({ sessionToken: `ist_stand_in_${++sessions}` }) });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await t?.stop();
  web?.remove();
});

beforeEach(async () => {
  page = await browser.newPage();
  // A step that hangs fails where it hangs, not at the test's timeout.
  page.setDefaultTimeout(15_000);
  await page.goto(host.origin + '/');
});

afterEach(async () => {
  await page.close();
});

const readyCount = async () => (await hostEvents(page)).filter((e) => e.event === 'ready').length;

async function openWidget(): Promise<string> {
  const before = await readyCount();
  await page.click('#import');
  await waitFor(async () => (await readyCount()) > before, 'the widget to be ready');
  return host.tokens.at(-1)!;
}

it('opens the widget of its own service in a modal that takes the focus and makes the page behind inert', async () => {
  await openWidget();
  const dialog = page.locator('[role="dialog"]');
  expect(await dialog.getAttribute('aria-modal')).toBe('true');
  expect(await dialog.getAttribute('aria-label')).toBe('Import people');
  const frame = dialog.locator('iframe');
  // The fragment names the host page's origin, which is no secret; the token is never in the URL.
  expect(await frame.getAttribute('src')).toBe(`${t.url}/widget/#host=${encodeURIComponent(host.origin)}`);
  expect(await frame.getAttribute('title')).toBe('Import people');
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('IFRAME');
  expect(await page.evaluate(() => (document.querySelector('main') as HTMLElement).inert)).toBe(true);
  // The page's CSP let the widget's own script run, and kept the inline one from running.
  const widget = widgetFrame(page, t.url);
  expect(await widget.textContent('#state')).toBe('initialised');
  expect(await widget.textContent('#inline-ran')).toBe('no');
  expect(await widget.evaluate(() => document.activeElement?.id)).toBe('start');
  await screenshot(page, 'embed-open');
  expect(await axeViolations(page.mainFrame())).toEqual([]);
});

it('hands the widget the session token and options by postMessage only, from the host origin', async () => {
  const token = await openWidget();
  const ready = (await hostEvents(page)).find((e) => e.event === 'ready')!;
  expect(ready.received).toEqual({
    sessionToken: token,
    options: { title: 'Import people', primaryColor: '#0b6e4f', colorScheme: 'light', locale: 'en', texts: { heading: 'Import your people' } },
    origin: host.origin,
  });
  expect(ready.url).toBe(`${t.url}/widget/#host=${encodeURIComponent(host.origin)}`);
  expect(page.frames().map((f) => f.url()).join(' ')).not.toContain(token);
});

it('relays each event of the widget to its callback', async () => {
  await openWidget();
  const widget = widgetFrame(page, t.url);
  await widget.click('#start');
  await widget.click('#fail');
  await widget.click('#finish');
  await waitFor(async () => (await hostEvents(page)).length === 4, 'four events');
  expect((await hostEvents(page)).slice(1)).toEqual([
    { event: 'upload-started', uploadId: 'u1' },
    { event: 'error', code: 'stand_in', detail: 'as asked' },
    { event: 'delivery-finished', uploadId: 'u1', status: 'completed' },
  ]);
});

it('ignores widget events posted by the host page itself or by another frame', async () => {
  await openWidget();
  await page.evaluate(() => window.postMessage({ type: 'sheethook:event', event: 'delivery-finished', forged: 'by the page' }, '*'));
  await page.evaluate(() => new Promise<void>((resolve) => {
    const forger = document.createElement('iframe');
    forger.src = '/forger.html';
    forger.onload = () => resolve();
    document.body.appendChild(forger);
  }));
  // An event of the widget posted after the forgeries arrives after them: once it is seen, they would have been.
  await widgetFrame(page, t.url).click('#finish');
  await waitFor(async () => (await hostEvents(page)).some((e) => e.event === 'delivery-finished'), 'the real event');
  expect((await hostEvents(page)).filter((e) => e.forged)).toEqual([]);
});

it('closes when the widget asks (its close button or Escape), calls onClose and gives the focus back to the opener', async () => {
  await openWidget();
  await pressToClose(page, 'Escape');
  expect((await hostEvents(page)).at(-1)).toEqual({ event: 'closed' });
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('import');
  expect(await page.evaluate(() => (document.querySelector('main') as HTMLElement).inert)).toBe(false);
  await screenshot(page, 'embed-closed');

  await openWidget();
  await widgetFrame(page, t.url).click('#close');
  await waitFor(async () => (await page.locator('[role="dialog"]').count()) === 0, 'the modal to close again');
  expect((await hostEvents(page)).filter((e) => e.event === 'closed')).toHaveLength(2);
});

it('closes on Sheethook.close() and on Escape pressed on the host page', async () => {
  await openWidget();
  await page.evaluate(() => (window as any).Sheethook.close());
  expect(await page.locator('[role="dialog"]').count()).toBe(0);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('import');

  await openWidget();
  await page.evaluate(() => (document.activeElement as HTMLElement).blur());
  await page.keyboard.press('Escape');
  expect(await page.locator('[role="dialog"]').count()).toBe(0);
  expect((await hostEvents(page)).filter((e) => e.event === 'closed')).toHaveLength(2);
});

it('refuses to open without a session token', async () => {
  const message = await page.evaluate(() => {
    try {
      (window as any).Sheethook.open({});
      return 'opened';
    } catch (err) {
      return (err as Error).message;
    }
  });
  expect(message).toContain('sessionToken is required');
  expect(await page.locator('[role="dialog"]').count()).toBe(0);
});

it('replaces an open modal when opened again, without calling the first one\'s onClose', async () => {
  await openWidget();
  expect(await page.evaluate(() => (window as any).Sheethook.isOpen())).toBe(true);
  const before = await readyCount();
  await page.evaluate(() => (document.getElementById('import') as HTMLButtonElement).click());
  await waitFor(async () => (await readyCount()) > before, 'the second widget to be ready');
  expect(await page.locator('[role="dialog"]').count()).toBe(1);
  expect((await hostEvents(page)).filter((e) => e.event === 'closed')).toEqual([]);
  expect((await hostEvents(page)).filter((e) => e.event === 'ready').at(-1)!.received.sessionToken).toBe(host.tokens.at(-1));
  // Closed, it gives focus back to the button that opened the first.
  await page.evaluate(() => (window as any).Sheethook.close());
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('import');
});

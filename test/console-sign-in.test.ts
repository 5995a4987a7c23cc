// Signing in to the console, as a person does: a wrong key is refused at the field, the right one opens the dashboard;
// the key is kept nowhere in the browser (no storage, a cookie no script can read); a reload stays signed in; signing
// out, and a session that ended meanwhile, bring back the sign-in page with a message. Each page is scanned by
// axe-core and saved as a screenshot.
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser } from './support/browser.ts';
import { consolePage, consoleStep, openFromNav } from './support/console.ts';
import { API_KEY, startService, type TestService } from './support/service.ts';

let t: TestService;
let browser: Browser;
let page: Page;
/** Every request body the page sent, to see where the key went. */
const sent: { url: string; body: string | null }[] = [];

beforeAll(async () => {
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  browser = await launchBrowser();
  page = await consolePage(browser);
  page.on('request', (req) => sent.push({ url: req.url(), body: req.postData() }));
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

it('signs in with an API key, keeps it nowhere in the browser, stays signed in on reload, and signs out', { timeout: 120_000 }, async () => {
  await page.goto(`${t.url}/admin/templates`);
  await consoleStep(page, 'sign-in', 'sheethook console');

  await page.getByLabel('API key').fill('sk_not_a_key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('the API key is not valid').waitFor();
  expect(await page.getByLabel('API key').getAttribute('aria-invalid')).toBe('true');
  await consoleStep(page, 'sign-in-refused', 'sheethook console');

  await page.getByLabel('API key').fill(API_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The page the URL named before signing in.
  await consoleStep(page, 'templates-empty', 'Templates');

  // The key went once, in the sign-in's body, and nowhere else; the browser keeps no copy a script could read.
  expect(sent.filter((r) => (r.body ?? '').includes(API_KEY) || r.url.includes(API_KEY)).map((r) => new URL(r.url).pathname))
    .toEqual(['/v1/console/sessions']);
  const kept = await page.evaluate(() => ({
    local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }), cookie: document.cookie,
  }));
  expect(kept).toEqual({ local: '{}', session: '{}', cookie: '' });
  const cookies = await page.context().cookies();
  expect(cookies.map((c) => ({ name: c.name, httpOnly: c.httpOnly, sameSite: c.sameSite }))).toEqual([
    { name: 'sheethook_console', httpOnly: true, sameSite: 'Strict' },
  ]);
  expect(cookies[0].value).not.toContain(API_KEY);

  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
  await openFromNav(page, 'Dashboard');
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  expect(new URL(page.url()).pathname).toBe('/admin/');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You have signed out.').waitFor();
  expect(await page.context().cookies()).toEqual([]);
  await page.reload();
  await page.getByLabel('API key').waitFor();
});

it('brings back the sign-in page with a message when the session has expired, and goes on where it was once signed in again', { timeout: 120_000 }, async () => {
  await page.goto(`${t.url}/admin/`);
  await page.getByLabel('API key').fill(API_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  // The dashboard's figures loaded: its requests are answered, so the one the link makes is the first to find the
  // session expired (a slow answer would otherwise bring the sign-in page back before the link is followed).
  await page.getByText('No upload is being delivered now.').waitFor();

  // The session's last use, a day ago: past any idle time.
  await t.service.store.db.execute(sql`UPDATE console_sessions SET last_seen_at = now() - interval '1 day'`);
  await openFromNav(page, 'API keys');
  await page.getByText('Your session has expired. Sign in again to go on.').waitFor();
  await consoleStep(page, 'sign-in-expired', 'sheethook console');

  await page.getByLabel('API key').fill(API_KEY);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
});

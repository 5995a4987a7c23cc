// The console's browser tests' parts: a page of the real console on the service's origin, signed in as a person does,
// and each step checked by axe-core and saved as a screenshot (test-results/screenshots/console-*.png).
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeViolations, screenshot } from './browser.ts';
import { API_KEY } from './service.ts';

/**
 * A new page of the console, 1280 px wide unless told, in the browser's time zone unless one is given; a step that
 * hangs fails where it hangs.
 */
export async function consolePage(browser: Browser, viewport = { width: 1280, height: 900 }, timezoneId?: string): Promise<Page> {
  const context = await browser.newContext({ viewport, timezoneId });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}

/** Signs in on the sign-in page the console shows at `path`, and waits for the page's heading. */
export async function signIn(page: Page, serviceUrl: string, path = '/admin/', key = API_KEY): Promise<void> {
  await page.goto(serviceUrl + path);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** A step of a test: the page's h1 shown, then a screenshot and an accessibility scan (no serious or critical violation). */
export async function consoleStep(page: Page, name: string, heading: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await screenshot(page, `console-${name}`);
  expect(await axeViolations(page.mainFrame()), `accessibility of ${name}`).toEqual([]);
}

/** Goes to a console page by its link in the navigation, as a person does. */
export async function openFromNav(page: Page, label: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Console' });
  // Narrow, the navigation is behind the menu button.
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible() && (await menu.getAttribute('aria-expanded')) === 'false') await menu.click();
  await nav.getByRole('link', { name: label, exact: true }).click();
}

// Secrets in the console: a destination's signing secret rotated with a grace period (shown once; deliveries then
// carry a signature by the new secret and, during the grace, by the previous one), and API keys: one made (shown once,
// copied), signed in with elsewhere, revoked here, which ends that other console session at its next step.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser } from './support/browser.ts';
import { consolePage, consoleStep, openFromNav, signIn } from './support/console.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, type TestService } from './support/service.ts';

let t: TestService;
let receiver: Receiver;
let browser: Browser;
let page: Page;
let firstSecret: string;

beforeAll(async () => {
  receiver = await startReceiver();
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: [{ key: 'name', name: 'Name' }] })).status).toBe(201);
  const made = await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url } });
  firstSecret = made.body.signingSecret;
  browser = await launchBrowser();
  page = await consolePage(browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
  await signIn(page, t.url, '/admin/templates/people/destination');
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  await receiver?.close();
});

it('rotates the signing secret with a grace period: the new one shown once, both signing meanwhile', { timeout: 120_000 }, async () => {
  await page.getByRole('heading', { level: 1, name: 'People: destination' }).waitFor();
  await page.getByLabel('Grace period').selectOption({ label: '1 hour' });
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  const dialog = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
  await dialog.getByText('Grace period: 1 hour.').waitFor();
  await dialog.getByRole('button', { name: 'Rotate secret' }).click();
  await dialog.waitFor({ state: 'detached' });
  const shown = page.locator('.secret').filter({ hasText: 'The previous secret keeps signing too' });
  await shown.waitFor();
  const secret = (await shown.locator('code').textContent())!;
  expect(secret).toMatch(/^whsec_/);
  expect(secret).not.toBe(firstSecret);
  await consoleStep(page, 'secret-rotated', 'People: destination');

  await page.getByRole('button', { name: 'Send test' }).click();
  await page.locator('.test-result').getByText('HTTP 200 in').waitFor();
  const sent = receiver.received.at(-1)!;
  const headers = sent.headers as Record<string, string>;
  expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
  expect(new Webhook(secret).verify(sent.raw, headers)).toMatchObject({ uploadId: 'test' });
  expect(new Webhook(firstSecret).verify(sent.raw, headers)).toMatchObject({ uploadId: 'test' });

  // Shown once: the page opened again does not have it.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'People: destination' }).waitFor();
  expect(await page.locator('.secret').count()).toBe(0);
  expect(await page.content()).not.toContain(secret);
});

it('makes an API key (shown once, copied), and revoking it ends the console session signed in with it', { timeout: 120_000 }, async () => {
  await openFromNav(page, 'API keys');
  await consoleStep(page, 'api-keys', 'API keys');
  await page.getByLabel('Name (optional)').fill('ci runner');
  await page.getByRole('button', { name: 'Create key' }).click();
  const shown = page.locator('.secret').filter({ hasText: 'The new key “ci runner”, shown this once.' });
  await shown.waitFor();
  const key = (await shown.locator('code').textContent())!;
  await shown.getByRole('button', { name: 'Copy the new API key' }).click();
  await shown.getByText('Copied.').waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
  await consoleStep(page, 'api-key-made', 'API keys');
  const row = page.locator('tbody tr').filter({ hasText: 'ci runner' });
  // Listed by its prefix only.
  const prefix = (await row.locator('code').textContent())!.replace(/…$/, '');
  expect(prefix.length).toBeGreaterThanOrEqual(6);
  expect(key.startsWith(prefix) && key !== prefix).toBe(true);

  // Someone signs in with the new key in another browser.
  const other: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const elsewhere = await other.newPage();
  elsewhere.setDefaultTimeout(30_000);
  await signIn(elsewhere, t.url, '/admin/templates', key);
  await elsewhere.getByRole('heading', { level: 1, name: 'Templates' }).waitFor();
  await page.reload();
  await row.getByText(/seconds? ago|now/).waitFor();

  await row.getByRole('button', { name: /^Revoke key / }).click();
  const dialog = page.getByRole('dialog', { name: /^Revoke the key / });
  await dialog.waitFor();
  await consoleStep(page, 'api-key-revoke', 'API keys');
  await dialog.getByRole('button', { name: 'Revoke key' }).click();
  await page.getByText(/^Key .* revoked\.$/).waitFor();
  // Announced once the list is read again: the row is gone when the notice comes.
  expect(await page.locator('tbody tr').filter({ hasText: 'ci runner' }).count()).toBe(0);

  // The other session ends at its next step, with a message.
  await openFromNav(elsewhere, 'Uploads');
  await elsewhere.getByText('Your session has ended (it was signed out, or its API key was revoked). Sign in again to go on.').waitFor();
  await elsewhere.getByLabel('API key').waitFor();
  await other.close();
});

// Templates in the console, as a person makes and edits them: a column of every type with every rule the API has,
// a refusal of the API shown at the field it names (and fixed there), the template saved exactly as entered, its
// sample files downloaded, a column moved and one added, and the template deleted after a question.
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchBrowser } from './support/browser.ts';
import { consolePage, consoleStep, openFromNav, signIn } from './support/console.ts';
import { startService, type TestService } from './support/service.ts';

let t: TestService;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  browser = await launchBrowser();
  page = await consolePage(browser);
  await signIn(page, t.url, '/admin/templates');
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const column = (n: number): Locator => page.getByRole('group', { name: new RegExp(`^Column ${n}\\b`) });

async function addColumn(n: number, name: string, type: string, fill: (c: Locator) => Promise<void> = async () => {}) {
  if (n > 1) await page.getByRole('button', { name: 'Add a column' }).click();
  const c = column(n);
  await c.getByLabel('Name', { exact: true }).fill(name);
  await c.getByLabel('Type', { exact: true }).selectOption({ label: type });
  await fill(c);
}

it('makes a template with a column of every type and rule, shows the refusal at its field, saves exactly that', { timeout: 180_000 }, async () => {
  await page.getByRole('link', { name: 'New template' }).click();
  await consoleStep(page, 'template-new', 'New template');
  await page.getByLabel('Code', { exact: true }).fill('contacts');
  await page.getByLabel('Template name').fill('Contacts');

  await addColumn(1, 'Full name', 'Text', async (c) => {
    await c.getByLabel('Required').check();
    await c.getByLabel('Minimum length').fill('2');
    await c.getByLabel('Maximum length').fill('80');
    await c.getByLabel('Alternate headings').fill('Name\nContact name');
  });
  // The key follows the name until typed: "Full name" → full_name.
  expect(await column(1).getByLabel('Key', { exact: true }).inputValue()).toBe('full_name');
  await addColumn(2, 'Email', 'Email', async (c) => {
    await c.getByLabel('Required').check();
    await c.getByLabel('Unique').check();
  });
  await addColumn(3, 'Age', 'Whole number', async (c) => {
    // Refused by the API: the minimum above the maximum.
    await c.getByLabel('Minimum', { exact: true }).fill('130');
    await c.getByLabel('Maximum', { exact: true }).fill('0');
    await c.getByLabel('Default value').fill('30');
  });
  await addColumn(4, 'Score', 'Number', async (c) => {
    await c.getByLabel('Minimum', { exact: true }).fill('0.5');
  });
  await addColumn(5, 'Active', 'Yes / no', async (c) => {
    await c.getByLabel('Default value').selectOption({ label: 'Yes (true)' });
  });
  await addColumn(6, 'Born', 'Date', async (c) => {
    await c.getByLabel('Date formats').fill('DD/MM/YYYY\nMM-DD-YYYY');
  });
  await addColumn(7, 'Tags', 'Select (list of values)', async (c) => {
    await c.getByLabel('Values', { exact: true }).fill('red\ngreen\nblue');
    await c.getByLabel('Several values in a cell').check();
    await c.getByLabel('Delimiter').fill(';');
  });
  await addColumn(8, 'Code', 'Pattern (regular expression)', async (c) => {
    await c.getByLabel('Key', { exact: true }).fill('ref_code');
    await c.getByLabel('Pattern').fill('^[A-Z]{2}-\\d{4}$');
    await c.getByLabel('Maximum length').fill('7');
  });

  await page.getByRole('button', { name: 'Create template' }).click();
  // The API's words, at the field it names, which has focus.
  const min = column(3).getByLabel('Minimum', { exact: true });
  await column(3).getByText('min (130) is greater than max (0)').waitFor();
  expect(await min.getAttribute('aria-invalid')).toBe('true');
  expect(await min.evaluate((el) => el === document.activeElement)).toBe(true);
  await page.getByRole('alert').filter({ hasText: 'Not saved: columns/2/min' }).waitFor();
  await consoleStep(page, 'template-field-error', 'New template');

  await min.fill('0');
  await column(3).getByLabel('Maximum', { exact: true }).fill('130');
  await page.getByRole('button', { name: 'Create template' }).click();
  await page.getByRole('heading', { level: 1, name: 'Contacts: destination' }).waitFor();
  await page.getByText('Template “Contacts” created.').waitFor();

  const { body: saved } = await t.api('GET', '/v1/templates/contacts');
  expect(saved.name).toBe('Contacts');
  expect(saved.columns).toEqual([
    { key: 'full_name', name: 'Full name', type: 'string', required: true, unique: false, alternateKeys: ['Name', 'Contact name'], minLength: 2, maxLength: 80 },
    { key: 'email', name: 'Email', type: 'email', required: true, unique: true, alternateKeys: [] },
    { key: 'age', name: 'Age', type: 'integer', required: false, unique: false, alternateKeys: [], min: 0, max: 130, defaultValue: 30 },
    { key: 'score', name: 'Score', type: 'number', required: false, unique: false, alternateKeys: [], min: 0.5 },
    { key: 'active', name: 'Active', type: 'boolean', required: false, unique: false, alternateKeys: [], defaultValue: true },
    { key: 'born', name: 'Born', type: 'date', required: false, unique: false, alternateKeys: [], dateFormats: ['DD/MM/YYYY', 'MM-DD-YYYY'] },
    { key: 'tags', name: 'Tags', type: 'select', required: false, unique: false, alternateKeys: [], selectValues: ['red', 'green', 'blue'], multiSelect: true, delimiter: ';' },
    { key: 'ref_code', name: 'Code', type: 'regex', required: false, unique: false, alternateKeys: [], regex: '^[A-Z]{2}-\\d{4}$', maxLength: 7 },
  ]);
});

it('downloads the sample files, edits the columns (one moved, one added) and shows them as saved', { timeout: 180_000 }, async () => {
  await openFromNav(page, 'Templates');
  await consoleStep(page, 'templates', 'Templates');
  await page.getByRole('link', { name: 'Contacts' }).click();
  await consoleStep(page, 'template-columns', 'Contacts: columns');

  // The files as the API makes them, through the session's cookie: the CSV's heading row, and a workbook (a ZIP).
  const files: Record<string, Buffer> = {};
  for (const label of ['Sample CSV', 'Sample XLSX']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: label }).click()]);
    files[download.suggestedFilename()] = readFileSync(await download.path());
  }
  expect(Object.keys(files).sort()).toEqual(['contacts-sample.csv', 'contacts-sample.xlsx']);
  expect(files['contacts-sample.csv'].toString('utf8').replace(/^\uFEFF/, '')).toMatch(/^Full name,Email,Age,Score,Active,Born,Tags,Code\r?\n/);
  expect(files['contacts-sample.xlsx'].subarray(0, 2).toString('latin1')).toBe('PK');

  await column(2).getByRole('button', { name: 'Move up column Email' }).click();
  expect(await column(1).getByLabel('Name', { exact: true }).inputValue()).toBe('Email');
  await page.getByRole('button', { name: 'Add a column' }).click();
  await column(9).getByLabel('Name', { exact: true }).fill('City');
  await page.getByRole('button', { name: 'Save columns' }).click();
  await page.getByText(/^Saved at /).waitFor();

  const { body: saved } = await t.api('GET', '/v1/templates/contacts');
  expect(saved.columns.map((c: { key: string }) => c.key)).toEqual(['email', 'full_name', 'age', 'score', 'active', 'born', 'tags', 'ref_code', 'city']);
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Contacts: columns' }).waitFor();
  expect(await column(9).getByLabel('Key', { exact: true }).inputValue()).toBe('city');
  expect(await column(7).getByLabel('Values', { exact: true }).inputValue()).toBe('red\ngreen\nblue');
});

it('deletes a template after a question, and a cancelled question deletes nothing', { timeout: 120_000 }, async () => {
  expect((await t.api('POST', '/v1/templates', { code: 'old', name: 'Old one', columns: [{ key: 'a', name: 'A' }] })).status).toBe(201);
  await openFromNav(page, 'Templates');
  await page.getByRole('link', { name: 'Old one' }).waitFor();

  await page.getByRole('button', { name: 'Delete template Old one' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete the template “Old one”?' });
  await dialog.waitFor();
  await consoleStep(page, 'template-delete', 'Templates');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  expect((await t.api('GET', '/v1/templates/old')).status).toBe(200);

  await page.getByRole('button', { name: 'Delete template Old one' }).click();
  await dialog.getByRole('button', { name: 'Delete template' }).click();
  await page.getByText('Template “Old one” deleted.').waitFor();
  expect((await t.api('GET', '/v1/templates/old')).status).toBe(404);
  // Announced once the list is read again: the link is gone when the notice comes.
  expect(await page.getByRole('link', { name: 'Old one' }).count()).toBe(0);
});

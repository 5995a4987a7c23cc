// The example receiver in examples/ verifies every page of the sample CSV's import and ignores a page sent again.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importForm } from './support/files.ts';
import { freePort } from './support/process.ts';
import { startService, waitFor, waitForFinal, type TestService } from './support/service.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SAMPLE = readFileSync(`${ROOT}/examples/people.csv`, 'utf8');
// The template of the README's first import.
const COLUMNS = [
  { key: 'name', name: 'Name', type: 'string', required: true },
  { key: 'email', name: 'Email', type: 'email', required: true, unique: true },
  { key: 'age', name: 'Age', type: 'integer' },
];

let t: TestService;
let receiver: ChildProcess | undefined;
let output = '';

beforeAll(async () => { t = await startService(); });
afterAll(async () => {
  if (receiver && receiver.exitCode === null) {
    const exited = new Promise((resolve) => receiver!.once('exit', resolve));
    receiver.kill();
    await exited;
  }
  await t?.stop();
});

const lines = (pattern: RegExp) => output.split('\n').filter((l) => pattern.test(l));

it('receives and verifies every row of examples/people.csv, refuses a forged page, and ignores a page sent again', { timeout: 60_000 }, async () => {
  const port = await freePort();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: COLUMNS });
  const destination = await t.api('PUT', '/v1/templates/people/destination', {
    webhook: { callbackUrl: `http://127.0.0.1:${port}/`, chunkSize: 5 },
  });
  receiver = spawn(process.execPath, ['examples/receiver.mjs'], {
    cwd: ROOT, env: { PATH: process.env.PATH, PORT: String(port), WEBHOOK_SECRET: destination.body.signingSecret }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  receiver.stdout!.on('data', (d) => { output += d; });
  receiver.stderr!.on('data', (d) => { output += d; });
  await waitFor(() => output.includes('example receiver listening'), 'the example receiver to listen');

  const tried = await t.api('POST', '/v1/templates/people/destination/test');
  expect(tried.body).toMatchObject({ outcome: 'delivered', httpStatus: 200 });
  expect(lines(/^verified /)).toEqual([expect.stringMatching(new RegExp(`^verified ${tried.body.webhookId}: a test page of template people, \\d+ sample rows$`))]);
  output = '';

  const form = importForm({ template: 'people', file: SAMPLE, fileName: 'people.csv' });
  const { body: { uploadId } } = await t.api('POST', '/v1/imports', form);
  expect(await waitForFinal(t, uploadId)).toMatchObject({ status: 'completed', totalRecords: 12, totalPages: 3, pagesDelivered: 3 });

  const verified = lines(/^verified /);
  expect(verified).toHaveLength(3);
  expect(verified[2]).toMatch(new RegExp(`page 3/3 of upload ${uploadId} .*12 of 12 received$`));
  const printed = lines(/^ {2}\{/).map((l) => JSON.parse(l));
  const sample = SAMPLE.trim().split('\n').slice(1).map((l) => l.split(','));
  expect(printed).toEqual(sample.map(([name, email, age]) => ({ name, email, age: Number(age) })));

  // Not signed with the destination's secret: refused, and not counted.
  const forged = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'webhook-id': 'msg_forged', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
    },
    body: JSON.stringify({ template: 'people', uploadId, data: [{ name: 'Mallory' }], page: 4, totalPages: 4, pageSize: 1, totalRecords: 13 }),
  });
  expect(forged.status).toBe(401);
  await waitFor(() => lines(/^refused a request/).length === 1, 'the receiver to report the forged request');

  const pageTwo = (await t.api('GET', `/v1/uploads/${uploadId}/deliveries`)).body.pages[1];
  expect((await t.api('POST', `/v1/uploads/${uploadId}/redeliver`, { pages: [2] })).status).toBe(202);
  await waitFor(() => lines(/^repeated /).length === 1, 'the receiver to report the repeated page');
  expect(lines(/^repeated /)[0]).toBe(`repeated ${pageTwo.webhookId}: page 2 of upload ${uploadId} ignored`);
  expect(await waitForFinal(t, uploadId)).toMatchObject({ status: 'completed', pagesDelivered: 3 });
  expect(lines(/^verified /)).toHaveLength(3);
  expect(lines(/^ {2}\{/)).toHaveLength(12);
});

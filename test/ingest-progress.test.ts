// While a file is being read, its upload says how far ingest has got: totalRecords counts the rows read so far.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

const ROWS = 100_000;
let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
  expect((await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 10_000 } })).status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

it('counts the rows read while the upload is ingesting, block by block, up to every row', async () => {
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(ROWS) }));
  expect(res.status).toBe(202);
  const { uploadId } = res.body;
  // Every answer while ingesting, as a person watching the upload would see them.
  const seen: number[] = [];
  for (;;) {
    const { body } = await t.api('GET', `/v1/uploads/${uploadId}`);
    if (body.status !== 'ingesting') break;
    seen.push(body.totalRecords);
  }
  const partial = seen.filter((n) => n > 0 && n < ROWS);
  expect(partial.length).toBeGreaterThan(0);
  // Progress is written once a block of 1,000 rows is stored, and never goes back.
  for (const n of partial) expect(n % 1000).toBe(0);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  const final = await waitForFinal(t, uploadId, 60_000);
  expect(final).toMatchObject({ status: 'completed', totalRecords: ROWS, validRecords: ROWS });
});

// While a file is being read, its upload says how far ingest has got: totalRecords counts the rows read so far.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { holdStatement } from './support/hold-statement.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

const ROWS = 10_500;
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
  // The 4th block's write waits: three blocks of 1,000 rows are stored, and the upload must say so.
  const held = holdStatement(t.service.store, 'sheethook_insert_record_block', 4);
  try {
    const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(ROWS) }));
    expect(res.status).toBe(202);
    const { uploadId } = res.body;
    await held.reached;
    const { body: during } = await t.api('GET', `/v1/uploads/${uploadId}`);
    expect(during).toMatchObject({ status: 'ingesting', totalRecords: 3000 });
    held.release();
    const final = await waitForFinal(t, uploadId, 60_000);
    expect(final).toMatchObject({ status: 'completed', totalRecords: ROWS, validRecords: ROWS });
  } finally {
    held.release();
    held.restore();
  }
});

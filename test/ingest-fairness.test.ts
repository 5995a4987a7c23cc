// A small upload does not wait behind a large one: uploads are read side by side, so a two-row file posted while a
// large file is being read is read, delivered and finished while the large one is still under way; and no upload is
// read twice at once.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { holdStatement } from './support/hold-statement.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

const LARGE = 5000;

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
  expect((await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 1000 } })).status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

it('reads and delivers a two-row upload while a large one is held in its reading', async () => {
  // The large upload's first block waits to be written: its reading goes no further until the test lets it.
  const held = holdStatement(t.service.store, 'sheethook_insert_record_block');
  try {
    const large = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(LARGE) }));
    expect(large.status).toBe(202);
    await held.reached;

    const small = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(2) }));
    expect(small.status).toBe(202);
    expect(await waitForFinal(t, small.body.uploadId)).toMatchObject({ status: 'completed', totalRecords: 2, pagesDelivered: 1 });
    expect(receiver.received.map((r) => r.body.uploadId)).toEqual([small.body.uploadId]);
    expect((await t.api('GET', `/v1/uploads/${large.body.uploadId}`)).body).toMatchObject({ status: 'ingesting', totalRecords: 0 });

    held.release();
    expect(await waitForFinal(t, large.body.uploadId, 60_000)).toMatchObject({ status: 'completed', totalRecords: LARGE, pagesDelivered: 5 });
  } finally {
    held.release();
    held.restore();
  }
});

it('does not read an upload a second time beside itself when its lease runs out while it is being read', async () => {
  const held = holdStatement(t.service.store, 'sheethook_insert_record_block');
  try {
    const large = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(LARGE) }));
    expect(large.status).toBe(202);
    await held.reached;
    // As when a busy process is slow to write its next block: the lease has run out, the reading goes on.
    await t.service.store.db.execute(sql`UPDATE uploads SET lease_until = now() - interval '1 second' WHERE id = ${large.body.uploadId}`);

    // The free place goes to the small upload, not to a second reading of the large one (the older of the two).
    const small = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(2) }));
    expect(await waitForFinal(t, small.body.uploadId)).toMatchObject({ status: 'completed', totalRecords: 2 });
    expect((await t.api('GET', `/v1/uploads/${large.body.uploadId}`)).body).toMatchObject({ status: 'ingesting', totalRecords: 0 });

    held.release();
    expect(await waitForFinal(t, large.body.uploadId, 60_000)).toMatchObject({ status: 'completed', totalRecords: LARGE, validRecords: LARGE, pagesDelivered: 5 });
  } finally {
    held.release();
    held.restore();
  }
});

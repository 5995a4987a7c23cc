// The whole-file steps after the last row do not hold the service: while a file's unique values are checked, the
// service answers its health check and its API, and the check's findings are added block by block.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { holdStatement } from './support/hold-statement.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { csv, importForm } from './support/files.ts';

const ROWS = 3500;
/** Row n repeats row n - 1000's email when n is a multiple of 7 past the first block. */
const email = (n: number) => (n > 1000 && n % 7 === 0 ? `p${n - 1000}@example.com` : `p${n}@example.com`);

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  const columns = [
    { key: 'id', name: 'Id', type: 'integer', required: true },
    { key: 'email', name: 'Email', type: 'email', required: true, unique: true },
  ];
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns })).status).toBe(201);
  expect((await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, chunkSize: 1000 } })).status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

it('answers while the uniqueness of a whole file is being checked', async () => {
  const held = holdStatement(t.service.store, 'sheethook_add_duplicate_errors');
  try {
    const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, email(i + 1)]);
    const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: csv([['Id', 'Email'], ...rows]) }));
    expect(res.status).toBe(202);
    const { uploadId } = res.body;
    // Every row is stored; the first block's duplicates are found and wait to be written.
    await held.reached;
    const health = await fetch(`${t.url}/health`);
    expect(health.status).toBe(200);
    const { body: during } = await t.api('GET', `/v1/uploads/${uploadId}`);
    expect(during).toMatchObject({ status: 'ingesting', totalRecords: ROWS });
    held.release();

    const repeats = rows.filter(([n]) => email(n as number) !== `p${n}@example.com`).length;
    const final = await waitForFinal(t, uploadId, 60_000);
    expect(final).toMatchObject({ status: 'completed', totalRecords: ROWS, validRecords: ROWS - repeats, invalidRecords: repeats });
    const { body: invalid } = await t.api('GET', `/v1/uploads/${uploadId}/records?type=invalid&limit=1000`);
    expect(invalid.records.map((r: { row: number }) => r.row)).toEqual(rows.map(([n]) => n).filter((n) => email(n as number) !== `p${n}@example.com`));
    expect(invalid.records[0].errors).toEqual({ email: 'Email must be unique: the same value is in an earlier row' });
  } finally {
    held.release();
    held.restore();
  }
});

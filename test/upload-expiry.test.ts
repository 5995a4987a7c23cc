// Interactive uploads left in mapping or review expire: their files and records do not stay on the server forever.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, waitFor, type TestService } from './support/service.ts';
import { csv, importForm } from './support/files.ts';

let t: TestService;

beforeAll(async () => {
  t = await startService({ SHEETHOOK_UPLOAD_TTL_MINUTES: '60' });
  await t.api('POST', '/v1/templates', {
    code: 'people', name: 'People', columns: [{ key: 'name', name: 'Name', type: 'string', required: true }],
  });
});

afterAll(async () => {
  await t?.stop();
});

const FILE = csv([['Name'], ['Ann'], ['Bob']]);

async function upload(): Promise<string> {
  const created = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: FILE }));
  expect(created.status).toBe(201);
  return created.body.uploadId;
}

/** As if nobody had touched the upload for `minutes`. */
async function age(uploadId: string, minutes: number): Promise<void> {
  await t.service.store.db.execute(sql`
    UPDATE uploads SET updated_at = now() - ${minutes} * interval '1 minute' WHERE id = ${uploadId}`);
}

describe('abandoned interactive uploads', () => {
  it('expire after the time to live, losing their file and records, while recent ones stay', async () => {
    const inMapping = await upload();
    const inReview = await upload();
    const recent = await upload();
    expect((await t.api('POST', `/v1/uploads/${inReview}/validate`)).status).toBe(202);
    await waitFor(async () => (await t.api('GET', `/v1/uploads/${inReview}`)).body.status === 'reviewing', 'review');
    expect((await t.api('GET', `/v1/uploads/${inReview}/records?type=all`)).body.records).toHaveLength(2);
    const spool = (id: string) => join(t.dataDir, 'uploads', id);
    expect(existsSync(spool(inMapping))).toBe(true);

    await age(inMapping, 61);
    await age(inReview, 61);
    await age(recent, 59);
    const expired = await waitFor(async () => {
      const { body } = await t.api('GET', `/v1/uploads/${inReview}`);
      return body.status === 'expired' ? body : undefined;
    }, 'the upload in review to expire', 30_000);
    expect(expired.error).toMatch(/left in reviewing/);
    const mapping = (await t.api('GET', `/v1/uploads/${inMapping}`)).body;
    expect(mapping).toMatchObject({ status: 'expired' });
    expect(mapping.error).toMatch(/left in mapping/);
    // The received file goes right after the status changes.
    await waitFor(() => !existsSync(spool(inMapping)), 'the expired upload\'s file to be removed');
    expect((await t.api('GET', `/v1/uploads/${inReview}/records?type=all`)).body.records).toEqual([]);

    const confirm = await t.api('POST', `/v1/uploads/${inReview}/confirm`);
    expect(confirm.status).toBe(409);
    expect(confirm.body.detail).toMatch(/expired/);
    expect((await t.api('GET', `/v1/uploads/${recent}`)).body.status).toBe('mapping');
    expect(existsSync(spool(recent))).toBe(true);
  });
});

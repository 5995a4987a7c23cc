// A file or request that cannot be imported gets a 4xx naming the problem; nothing is left half-written.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './support/service.ts';
import { csv, importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let t: TestService;

beforeAll(async () => {
  t = await startService({ SHEETHOOK_MAX_FILE_BYTES: '100000' });
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: 'http://127.0.0.1:9/hook' } });
  await t.api('POST', '/v1/templates', { code: 'nodest', name: 'No destination', columns: PEOPLE_COLUMNS });
});
afterAll(async () => { await t?.stop(); });

async function refused(form: FormData | unknown, status: number, code: string, detail: RegExp) {
  const res = await t.api('POST', '/v1/imports', form);
  expect(res.status).toBe(status);
  expect(res.body.code).toBe(code);
  expect(res.body.detail).toMatch(detail);
}

describe('import refusals', () => {
  it('names a missing template field, file, unknown template or missing destination', async () => {
    await refused(importForm({ file: peopleCsv(1) }), 400, 'invalid_request', /template/);
    await refused(importForm({ template: 'people' }), 400, 'invalid_request', /file/);
    await refused(importForm({ template: 'ghost', file: peopleCsv(1) }), 404, 'not_found', /template "ghost"/);
    await refused(importForm({ template: 'nodest', file: peopleCsv(1) }), 409, 'destination_missing', /destination/);
    await refused({ template: 'people' }, 415, 'multipart_required', /multipart/);
  });

  it('refuses files it cannot read, with the reason', async () => {
    await refused(importForm({ template: 'people', file: '' }), 400, 'file_empty', /empty/);
    await refused(importForm({ template: 'people', file: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]) }), 415, 'unsupported_format', /xlsx|csv/i);
    const binary = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    await refused(importForm({ template: 'people', file: binary }), 415, 'unsupported_format', /CSV or XLSX/);
    await refused(importForm({ template: 'people', file: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]), fileName: 'broken.xlsx' }), 400, 'file_unreadable', /./);
  });

  it('refuses a file whose headings lack a required column, naming it and what was found', async () => {
    await refused(importForm({ template: 'people', file: csv([['Name', 'Phone'], ['Ann', '123']]) }), 400, 'missing_columns', /Email.*headings found: "Name", "Phone"/);
    await refused(importForm({ template: 'people', file: csv([['Colour', 'Shape'], ['red', 'round']]) }), 400, 'missing_columns', /none of the file's headings/);
    await refused(importForm({ template: 'people', file: csv([['Name', 'Email']]) }), 400, 'no_data_rows', /no data rows/);
  });

  it('refuses a file over the size limit with 413', async () => {
    await refused(importForm({ template: 'people', file: peopleCsv(5000) }), 413, 'file_too_large', /./);
  });

  it('leaves no upload and no received file behind a refusal', async () => {
    expect((await t.api('GET', '/v1/uploads')).body.uploads).toEqual([]);
    expect(readdirSync(join(t.dataDir, 'uploads'))).toEqual([]);
  });

  it('takes a header row with alternate keys and any letter case', async () => {
    const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: csv([[' NAME ', 'email', 'POSTCODE'], ['Ann', 'ann@example.com', '0123']]) }));
    expect(res.status).toBe(202);
  });
});

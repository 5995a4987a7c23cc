// Regex columns through the service: a pattern is run in linear time, so no cell can hold an import; one that needs
// backtracking is refused when the template is saved, and one stored before that rule fails its cells, saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultProject } from '../src/store/projects-queries.ts';
import { insertTemplate } from '../src/store/templates-queries.ts';
import type { Column } from '../src/domain/column.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { csv, importForm } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

const column = (extra: Partial<Column>): Column => ({ key: 'code', name: 'Code', type: 'regex', required: false, unique: false, alternateKeys: [], ...extra });
const NAME = { key: 'name', name: 'Name', type: 'string' };

async function withDestination(code: string) {
  const res = await t.api('PUT', `/v1/templates/${code}/destination`, { webhook: { callbackUrl: receiver.url } });
  expect(res.status).toBe(200);
}

async function invalidRecords(uploadId: string) {
  return (await t.api('GET', `/v1/uploads/${uploadId}/records?type=invalid&limit=1000`)).body.records as { row: number; errors: Record<string, string> }[];
}

describe('saving a template', () => {
  it.each([
    ['(?<=EUR )\\d+', 'lookbehind is not supported; sheethook runs patterns in linear time'],
    ['^\\d+(?=%)', 'lookahead is not supported; sheethook runs patterns in linear time'],
    ['^(\\w)\\1$', 'a backreference (\\1) is not supported; sheethook runs patterns in linear time'],
  ])('refuses %s with a 400 naming the column and why', async (regex, why) => {
    const created = await t.api('POST', '/v1/templates', { code: 'refused', name: 'Refused', columns: [NAME, { key: 'code', name: 'Code', type: 'regex', regex }] });
    expect(created).toEqual({ status: 400, body: { code: 'invalid_request', detail: `columns/1/regex: ${why}` } });
  });

  it('refuses such a pattern in a change of the columns too', async () => {
    expect((await t.api('POST', '/v1/templates', { code: 'changed', name: 'Changed', columns: [column({ regex: '^\\d+$' })] })).status).toBe(201);
    const patched = await t.api('PATCH', '/v1/templates/changed', { columns: [column({ regex: '(?<!-)\\d+' })] });
    expect(patched).toEqual({ status: 400, body: { code: 'invalid_request', detail: 'columns/0/regex: lookbehind is not supported; sheethook runs patterns in linear time' } });
    expect((await t.api('GET', '/v1/templates/changed')).body.columns[0].regex).toBe('^\\d+$');
  });
});

it('reads a file of cells that would make a backtracking engine run for hours: every row is invalid, and the import ends', async () => {
  expect((await t.api('POST', '/v1/templates', { code: 'nested', name: 'Nested', columns: [column({ regex: '^(a+)+$' })] })).status).toBe(201);
  await withDestination('nested');
  const rows = Array.from({ length: 50 }, () => [`${'a'.repeat(40)}!`]);
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'nested', file: csv([['Code'], ...rows]) }));
  expect(res.status).toBe(202);
  const final = await waitForFinal(t, res.body.uploadId);
  expect(final).toMatchObject({ status: 'failed', error: 'no valid rows to deliver: every row has errors', validRecords: 0, invalidRecords: 50 });
  const invalid = await invalidRecords(res.body.uploadId);
  expect(invalid.map((r) => r.row)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  expect(invalid.every((r) => r.errors.code === 'Code does not match the expected format')).toBe(true);
});

it('fails the cells of a column whose pattern was stored before patterns had to run in linear time, and delivers the rest', async () => {
  const projectId = await ensureDefaultProject(t.service.store.db);
  await insertTemplate(t.service.store.db, projectId, {
    code: 'stored', name: 'Stored', columns: [{ ...NAME, required: false, unique: false, alternateKeys: [] } as Column, column({ regex: '(?<=EUR )\\d+' })],
  });
  await withDestination('stored');
  receiver.received.length = 0;
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'stored', file: csv([['Name', 'Code'], ['Ann', 'EUR 12'], ['Bo', '']]) }));
  expect(res.status).toBe(202);
  expect(await waitForFinal(t, res.body.uploadId)).toMatchObject({ status: 'completed', validRecords: 1, invalidRecords: 1 });
  expect(receiver.received.flatMap((r) => r.body.data)).toEqual([{ name: 'Bo', code: null }]);
  expect(await invalidRecords(res.body.uploadId)).toMatchObject([{
    row: 1,
    errors: { code: 'Code cannot be checked: the template\'s pattern cannot be used (lookbehind is not supported; sheethook runs patterns in linear time); the template must be changed' },
  }]);
});

// Real-world files through the whole service: legacy encodings, column rules, and the configured limits.
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitForFinal, type TestService } from './support/service.ts';
import { csv, importForm } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

const COLUMNS = [
  { key: 'name', name: 'Name', required: true, maxLength: 20 },
  { key: 'born', name: 'Born', type: 'date', dateFormats: ['DD/MM/YYYY'] },
  { key: 'score', name: 'Score', type: 'integer', min: 0, max: 100 },
  { key: 'tags', name: 'Tags', type: 'select', selectValues: ['red', 'green', 'blue'], multiSelect: true, delimiter: '|' },
  { key: 'country', name: 'Country', defaultValue: 'FR' },
];

beforeAll(async () => {
  t = await startService({ SHEETHOOK_MAX_ROWS: '50', SHEETHOOK_MAX_COLUMNS: '8' });
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'members', name: 'Members', columns: COLUMNS });
  await t.api('PUT', '/v1/templates/members/destination', { webhook: { callbackUrl: receiver.url } });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

async function deliveredRows(file: string | Uint8Array) {
  receiver.received.length = 0;
  const res = await t.api('POST', '/v1/imports', importForm({ template: 'members', file }));
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const final = await waitForFinal(t, res.body.uploadId);
  return { final, data: receiver.received.flatMap((r) => r.body.data), uploadId: res.body.uploadId as string };
}

describe('files as people have them', () => {
  it('reads a Windows-1252, semicolon-separated CSV with CRLF line ends', async () => {
    const text = 'Name;Born;Score;Tags;Country\r\nCafé Müller;24/12/1990;7;red|blue;DE\r\nSøren Ærø;01/02/2003;100;;\r\n';
    const { final, data } = await deliveredRows(iconv.encode(text, 'windows-1252'));
    expect(final.status).toBe('completed');
    expect(data).toEqual([
      { name: 'Café Müller', born: '1990-12-24', score: 7, tags: ['red', 'blue'], country: 'DE' },
      { name: 'Søren Ærø', born: '2003-02-01', score: 100, tags: null, country: 'FR' },
    ]);
  });

  it('reads UTF-16 with a byte order mark', async () => {
    const body = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('Name\tScore\n日本語\t42\n', 'utf-16le')]);
    const { data } = await deliveredRows(body);
    expect(data).toEqual([{ name: '日本語', born: null, score: 42, tags: null, country: 'FR' }]);
  });

  it('applies bounds, lengths and multi-select values, and explains each refusal', async () => {
    const { final, uploadId } = await deliveredRows(csv([
      ['Name', 'Born', 'Score', 'Tags'],
      ['Ok', '31/01/2000', 50, 'green'],
      ['A name much longer than twenty', '31/02/2000', 101, 'red|purple'],
    ]));
    expect(final).toMatchObject({ validRecords: 1, invalidRecords: 1 });
    const [bad] = (await t.api('GET', `/v1/uploads/${uploadId}/records?type=invalid`)).body.records;
    expect(bad.errors).toEqual({
      name: expect.stringMatching(/at most 20 characters/),
      born: expect.stringMatching(/must be a date/),
      score: expect.stringMatching(/at most 100/),
      tags: expect.stringMatching(/not allowed: purple/),
    });
  });
});

describe('limits', () => {
  it('refuses a file wider than SHEETHOOK_MAX_COLUMNS at once', async () => {
    const res = await t.api('POST', '/v1/imports', importForm({ template: 'members', file: csv([['Name', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], ['x', 1, 2, 3, 4, 5, 6, 7, 8]]) }));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('too_many_columns');
    expect(res.body.detail).toMatch(/8/);
  });

  it('fails an upload longer than SHEETHOOK_MAX_ROWS, saying so', async () => {
    const rows: (string | number)[][] = [['Name', 'Score']];
    for (let i = 0; i < 60; i++) rows.push([`n${i}`, i]);
    const { final, data } = await deliveredRows(csv(rows));
    expect(final.status).toBe('failed');
    expect(final.error).toMatch(/more than 50 data rows/);
    expect(data).toEqual([]);
  });
});

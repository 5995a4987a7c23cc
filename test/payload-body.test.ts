// A chunk's body built from its records' bytes, as delivery builds it, is the same JSON text, byte for byte, as the
// body built from the records' JSON as a string.
import { expect, it } from 'vitest';
import { buildBody } from '../src/delivery/payload.ts';

const chunk = (recordCount: number) => ({
  templateCode: 'kunden-ü', uploadId: 'b3f1c2d4-0000-4000-8000-000000000001', totalRecords: 1500, totalPages: 2, page: 2,
  recordCount, extraJson: '{"tenant":"東京","n":1}',
});

it.each([
  ['no records', []],
  ['one record', [{ name: 'Zoë', city: '東京', mood: '😀' }]],
  ['several records', [{ a: 1 }, { a: 'x,y' }, { a: null, b: [1, 'two'] }, {}]],
])('builds the same body from records as bytes as from their JSON text: %s', (_name, records: object[]) => {
  const bytes = records.map((r) => Buffer.from(JSON.stringify(r)));
  const fromBytes = buildBody(chunk(records.length), bytes);
  const fromText = buildBody(chunk(records.length), JSON.stringify(records));
  expect(fromBytes.toString('utf8')).toBe(fromText);
  expect(fromBytes.length).toBe(Buffer.byteLength(fromText));
  expect(JSON.parse(fromBytes.toString('utf8'))).toEqual({
    template: 'kunden-ü', uploadId: chunk(0).uploadId, data: records, totalRecords: 1500, totalPages: 2, page: 2,
    pageSize: records.length, extra: { tenant: '東京', n: 1 },
  });
});

// readRows streams a large CSV to the end, row by row.

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readRows } from './support/read-rows.ts';
import { sniffFile } from '../src/ingest/sniff.ts';
import type { Cell } from '../src/ingest/types.ts';
import { makeTempDir, type TempDir } from './support/ingest-files.ts';

const ROWS = 200_000;
let dir: TempDir;
let path: string;

beforeAll(async () => {
  dir = await makeTempDir();
  path = dir.path('big.csv');
  const out = createWriteStream(path);
  out.write('id;name;note\r\n');
  for (let i = 1; i <= ROWS; i++) {
    // Every thousandth row has a quoted field with a delimiter and a line break in it.
    const note = i % 1000 === 0 ? `"multi; line\r\nnote ${i}"` : `note ${i}`;
    if (!out.write(`${i};name ${i};${note}\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
});
afterAll(() => dir.remove());

it(`reads all ${ROWS} rows and the header, in order`, async () => {
  let count = 0;
  let outOfOrder = 0;
  let last: Cell[] = [];
  let multiline: Cell[] = [];
  for await (const row of readRows(path, await sniffFile(path))) {
    if (count > 0 && row[0] !== String(count)) outOfOrder++;
    if (row[0] === '5000') multiline = row;
    last = row;
    count++;
  }
  expect(count).toBe(ROWS + 1);
  expect(outOfOrder).toBe(0);
  expect(multiline).toEqual(['5000', 'name 5000', 'multi; line\r\nnote 5000']);
  expect(last).toEqual([String(ROWS), `name ${ROWS}`, `multi; line\r\nnote ${ROWS}`]);
});

// The delivery worker's reading ahead: pages' bodies are read a run at a time, and how far ahead is bounded in records
// as well as in pages, so that large pages are not held long.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPageReader, READ_AHEAD_RECORDS } from '../src/delivery/page-reader.ts';
import { upcomingPages, uploadContext } from '../src/store/delivery-queue.ts';
import type { Store } from '../src/store/db.ts';
import { RECORD_BLOCK } from '../src/store/record-block.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startService, waitFor, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

/** A page as long as a block of records: block b holds page b + 1, so the blocks read say which pages were. */
const PAGE = RECORD_BLOCK;
const PAGES = 30;

let t: TestService;
let receiver: Receiver;

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
  const path = '/v1/templates/people/destination';
  expect((await t.api('PUT', path, { webhook: { callbackUrl: receiver.url, chunkSize: PAGE } })).status).toBe(200);
  // Paused: the upload's pages wait in the queue, and only this test's reader reads them.
  expect((await t.api('POST', `${path}/pause`)).status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

describe('reading pages ahead', () => {
  it('reads runs of pages, never more than one and a half runs of records ahead of the page sent', async () => {
    const res = await t.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(PAGES * PAGE) }));
    expect(res.status).toBe(202);
    const { uploadId } = res.body;
    await waitFor(async () => (await t.api('GET', `/v1/uploads/${uploadId}`)).body.status === 'delivering' || undefined, 'delivering');

    const store = t.service.store;
    // The store as it is, each read of record blocks noted (the last block it asked for), and the statements under
    // way counted: a run read ahead starts with a statement before this test's next step.
    const lastBlocks: number[] = [];
    let reading = 0;
    const counted = async <T>(statement: Promise<T>) => {
      reading++;
      try {
        return await statement;
      } finally {
        reading--;
      }
    };
    const noting: Pick<Store, 'run' | 'readRaw'> = {
      run: (statement, values) => counted(store.run(statement, values)),
      readRaw(statement, values, take) {
        lastBlocks.push(Number(values[2]));
        return counted(store.readRaw(statement, values, take));
      },
    };
    const reader = createPageReader(noting);
    const context = (await uploadContext(store, uploadId))!;
    const pages = await upcomingPages(store, uploadId, 1, PAGES);
    expect(pages).toHaveLength(PAGES);

    let mostAhead = 0;
    for (const range of pages) {
      const page = { ...range, uploadId };
      const body = JSON.parse((await reader.read(page, context)).toString());
      expect(body).toMatchObject({ page: range.page, pageSize: PAGE });
      expect(body.data[0].name).toBe(`Person ${range.firstRow}`);
      reader.readAhead(page, context);
      await waitFor(() => reading === 0 || undefined, 'the reads under way');
      // Block b holds page b + 1 (PAGE).
      mostAhead = Math.max(mostAhead, Math.max(...lastBlocks) + 1 - range.page);
    }
    // Runs of several pages, not a read for each.
    expect(lastBlocks.length).toBeLessThanOrEqual(Math.ceil(PAGES / (READ_AHEAD_RECORDS / PAGE)) + 1);
    // Still ahead, and never further than the half run that starts another read and the run it reads.
    expect(mostAhead).toBeGreaterThanOrEqual(READ_AHEAD_RECORDS / PAGE / 2);
    expect(mostAhead * PAGE).toBeLessThanOrEqual(READ_AHEAD_RECORDS * 1.5);
  });
});

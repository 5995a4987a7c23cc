// Reads the bodies of pages about to be sent before their turn: one read for a run of consecutive pending pages, each
// page's body built from its records while the page before them is on the wire. Records do not change once an upload
// is confirmed, and nor does a page's body: every attempt sends the same bytes.
import type { Store } from '../store/db.ts';
import { rangeRecords } from '../store/records-queries.ts';
import { upcomingPages, type PageRange, type UploadContext } from '../store/delivery-queue.ts';
import { buildBody } from './payload.ts';

/**
 * Pages read in one go, holding at most READ_AHEAD_RECORDS records together (a huge chunkSize reads one page at a
 * time): a read costs a statement and the whole blocks its rows are in, so a long run pays for both once, where short
 * ones read the block at each end twice. The worker runs in one thread with the embedded database: the fewer and
 * leaner the reads, the more chunks a second. 8,000 records of ten columns are about 1.5 MB of text.
 */
export const READ_AHEAD_PAGES = 64;
export const READ_AHEAD_RECORDS = 8_000;
/** Pages kept at most, across uploads: past this, the oldest read go (and are read again if they are sent). */
const MAX_KEPT = 256;

/** Bodies' buffers waiting to be used again, in bytes at most; a larger body's is not kept. */
const SPARE_BYTES = 8 << 20;
const SPARE_MAX_BODY = 2 << 20;
/** A buffer's size is rounded up to this, so that pages of one upload, a little different in length, fit each other's. */
const SPARE_STEP = 64 << 10;

/**
 * The buffers of bodies whose requests were answered, for the next pages' bodies. A body lives from its read, a few
 * pages ahead, to its answer: long enough to outlive the young generation of the thread, and then, let go, it would
 * wait for a full collection, which V8 starts only once tens of megabytes of such buffers have piled up.
 */
class SpareBodies {
  private spare: ArrayBuffer[] = [];
  private bytes = 0;

  /** A buffer of exactly `length` bytes: a spare one that fits (not more than twice as long), or a new one. */
  take(length: number): Buffer {
    for (let i = this.spare.length - 1; i >= 0; i--) {
      const room = this.spare[i];
      if (room.byteLength < length || room.byteLength > 2 * length + SPARE_STEP) continue;
      this.spare.splice(i, 1);
      this.bytes -= room.byteLength;
      return Buffer.from(room, 0, length);
    }
    return Buffer.from(new ArrayBuffer(Math.ceil(length / SPARE_STEP) * SPARE_STEP), 0, length);
  }

  give(body: Buffer): void {
    const room = body.buffer as ArrayBuffer;
    if (room.byteLength > SPARE_MAX_BODY || this.bytes + room.byteLength > SPARE_BYTES) return;
    this.spare.push(room);
    this.bytes += room.byteLength;
  }
}

type Page = PageRange & { uploadId: string };
/** What a page's body says of its upload. */
export type BodyContext = Pick<UploadContext, 'templateCode' | 'extraJson' | 'totalRecords' | 'totalPages'>;

export interface PageReader {
  /** The page's request body: what was read ahead for it, or read now, with the pages after it. */
  read(page: Page, context: BodyContext): Promise<Buffer>;
  /** Reads the pages after `page` in the background, unless enough of them are read already. */
  readAhead(page: Page, context: BodyContext): void;
  /** Forgets what was read of an upload. */
  forget(uploadId: string): void;
  /**
   * Takes back a body `read` gave, once its request is over (answered), to build another page's body in its bytes.
   * Nothing may use the body after this.
   */
  reuse(body: Buffer): void;
}

export function createPageReader(store: Pick<Store, 'run' | 'readRaw'>): PageReader {
  const kept = new Map<string, { firstRow: number; lastRow: number; body: Buffer }>();
  /** Per upload: the highest page read ahead, and the read under way. */
  const furthest = new Map<string, number>();
  const reading = new Map<string, Promise<void>>();
  const key = (uploadId: string, page: number) => `${uploadId}:${page}`;
  const spares = new SpareBodies();
  const allocate = (length: number) => spares.take(length);
  const body = (uploadId: string, context: BodyContext, page: PageRange, records: Uint8Array[]) =>
    buildBody({ ...context, uploadId, page: page.page, recordCount: page.recordCount }, records, allocate);

  async function readRun(uploadId: string, context: BodyContext, fromPage: number, count: number): Promise<void> {
    const ranges = await upcomingPages(store, uploadId, fromPage, count);
    // Only consecutive pages: their rows hold exactly their records, in order.
    const run: PageRange[] = [];
    let records = 0;
    for (const r of ranges) {
      if (run.length > 0 && (r.page !== run[run.length - 1].page + 1 || records + r.recordCount > READ_AHEAD_RECORDS)) break;
      run.push(r);
      records += r.recordCount;
    }
    if (run.length === 0) return;
    // The records are views of the store's buffer: each page's are copied into its body before the read returns.
    const bodies = await rangeRecords(store, { uploadId, firstRow: run[0].firstRow, lastRow: run[run.length - 1].lastRow }, (texts) => {
      // Not the records the plan counts (they cannot be told apart): each page is read on its own when it is sent.
      if (texts.length !== records) return undefined;
      let at = 0;
      return run.map((r) => {
        const built = body(uploadId, context, r, texts.slice(at, at + r.recordCount));
        at += r.recordCount;
        return built;
      });
    });
    if (!bodies) return;
    run.forEach((r, i) => kept.set(key(uploadId, r.page), { firstRow: r.firstRow, lastRow: r.lastRow, body: bodies[i] }));
    if (!furthest.has(uploadId) && furthest.size >= MAX_KEPT) furthest.delete(furthest.keys().next().value!);
    furthest.set(uploadId, Math.max(furthest.get(uploadId) ?? 0, run[run.length - 1].page));
    for (const oldest of kept.keys()) {
      if (kept.size <= MAX_KEPT) break;
      kept.delete(oldest);
    }
  }

  function startRun(uploadId: string, context: BodyContext, fromPage: number, count: number): Promise<void> {
    const under = readRun(uploadId, context, fromPage, count).finally(() => reading.delete(uploadId));
    reading.set(uploadId, under);
    return under;
  }

  function take(page: Page): Buffer | undefined {
    const k = key(page.uploadId, page.page);
    const found = kept.get(k);
    if (!found) return undefined;
    kept.delete(k);
    // A plan written again since (it cannot be, once delivering, but the range says for sure).
    return found.firstRow === page.firstRow && found.lastRow === page.lastRow ? found.body : undefined;
  }

  return {
    async read(page, context) {
      // A read under way may not reach this page; then one from this page on is started (by this or another reader).
      for (let tries = 0; tries < 3; tries++) {
        const found = take(page);
        if (found !== undefined) return found;
        await (reading.get(page.uploadId) ?? startRun(page.uploadId, context, page.page, READ_AHEAD_PAGES)).catch(() => {});
      }
      return take(page) ?? await rangeRecords(store, page, (records) => body(page.uploadId, context, page, records));
    },
    readAhead(page, context) {
      if (reading.has(page.uploadId)) return;
      const ahead = furthest.get(page.uploadId) ?? 0;
      // Half of a run still ahead is enough to wait for the next read. Counted in records too: pages of a large
      // chunkSize read 32 ahead would each hold a body of a few hundred KB for as long as 32 requests take, long
      // enough to outlive the young generation.
      const pagesAhead = ahead - page.page;
      if (pagesAhead >= READ_AHEAD_PAGES / 2 || pagesAhead * page.recordCount >= READ_AHEAD_RECORDS / 2) return;
      startRun(page.uploadId, context, Math.max(ahead, page.page) + 1, READ_AHEAD_PAGES).catch(() => {});
    },
    forget(uploadId) {
      furthest.delete(uploadId);
      const prefix = `${uploadId}:`;
      for (const k of kept.keys()) if (k.startsWith(prefix)) kept.delete(k);
    },
    reuse: (body) => spares.give(body),
  };
}

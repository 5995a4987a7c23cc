// Reads the records of pages about to be sent before their turn: one chunkData call for a run of consecutive pending
// pages, cut into pages, while the page before them is on the wire. Records do not change once an upload is confirmed.
import type { Db, Store } from '../store/db.ts';
import { chunkData } from '../store/records-queries.ts';
import { upcomingPages, type PageRange } from '../store/delivery-queue.ts';

/**
 * Pages read in one go, holding at most READ_AHEAD_RECORDS records together (a huge chunkSize reads one page at a
 * time). One read of 16 pages costs about as much as four reads of one: the worker runs in one thread with the embedded
 * database, so the fewer statements, the more chunks a second.
 */
export const READ_AHEAD_PAGES = 16;
export const READ_AHEAD_RECORDS = 2_000;
/** Pages kept at most, across uploads: past this, the oldest read go (and are read again if they are sent). */
const MAX_KEPT = 256;

type Page = PageRange & { uploadId: string };

export interface PageReader {
  /** The page's records as a JSON array: what was read ahead for it, or read now, with the pages after it. */
  read(page: Page): Promise<string>;
  /** Reads the pages after `page` in the background, unless enough of them are read already. */
  readAhead(page: Page): void;
  /** Forgets what was read of an upload. */
  forget(uploadId: string): void;
}

export function createPageReader(db: Db, store: Pick<Store, 'run'>): PageReader {
  const kept = new Map<string, { firstRow: number; lastRow: number; json: string }>();
  /** Per upload: the highest page read ahead, and the read under way. */
  const furthest = new Map<string, number>();
  const reading = new Map<string, Promise<void>>();
  const key = (uploadId: string, page: number) => `${uploadId}:${page}`;

  async function readRun(uploadId: string, fromPage: number, count: number): Promise<void> {
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
    const json = await chunkData(db, { uploadId, firstRow: run[0].firstRow, lastRow: run[run.length - 1].lastRow });
    const pages = run.length === 1 ? [json] : splitJsonArray(json, run.map((r) => r.recordCount));
    // Not the records the plan counts (they cannot be told apart): each page is read on its own when it is sent.
    if (!pages) return;
    run.forEach((r, i) => kept.set(key(uploadId, r.page), { firstRow: r.firstRow, lastRow: r.lastRow, json: pages[i] }));
    if (!furthest.has(uploadId) && furthest.size >= MAX_KEPT) furthest.delete(furthest.keys().next().value!);
    furthest.set(uploadId, Math.max(furthest.get(uploadId) ?? 0, run[run.length - 1].page));
    for (const oldest of kept.keys()) {
      if (kept.size <= MAX_KEPT) break;
      kept.delete(oldest);
    }
  }

  function startRun(uploadId: string, fromPage: number, count: number): Promise<void> {
    const under = readRun(uploadId, fromPage, count).finally(() => reading.delete(uploadId));
    reading.set(uploadId, under);
    return under;
  }

  function take(page: Page): string | undefined {
    const k = key(page.uploadId, page.page);
    const found = kept.get(k);
    if (!found) return undefined;
    kept.delete(k);
    // A plan written again since (it cannot be, once delivering, but the range says for sure).
    return found.firstRow === page.firstRow && found.lastRow === page.lastRow ? found.json : undefined;
  }

  return {
    async read(page) {
      // A read under way may not reach this page; then one from this page on is started (by this or another reader).
      for (let tries = 0; tries < 3; tries++) {
        const json = take(page);
        if (json !== undefined) return json;
        await (reading.get(page.uploadId) ?? startRun(page.uploadId, page.page, READ_AHEAD_PAGES)).catch(() => {});
      }
      return take(page) ?? chunkData(db, page);
    },
    readAhead(page) {
      if (reading.has(page.uploadId)) return;
      const ahead = furthest.get(page.uploadId) ?? 0;
      // Half of a run still ahead is enough to wait for the next read.
      if (ahead - page.page >= READ_AHEAD_PAGES / 2) return;
      startRun(page.uploadId, Math.max(ahead, page.page) + 1, READ_AHEAD_PAGES).catch(() => {});
    },
    forget(uploadId) {
      furthest.delete(uploadId);
      const prefix = `${uploadId}:`;
      for (const k of kept.keys()) if (k.startsWith(prefix)) kept.delete(k);
    },
  };
}

/**
 * Cuts a JSON array's text into arrays of `counts[i]` consecutive elements each, keeping each element's text as it is;
 * null when the array does not hold exactly sum(counts) elements. Strings are skipped with indexOf: most of a page's
 * text is inside them.
 */
export function splitJsonArray(text: string, counts: number[]): string[] | null {
  const bounds: [number, number][] = [];
  let i = text.indexOf('[');
  if (i < 0) return null;
  let depth = 0;
  let start = -1;
  for (i += 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (start < 0 && c !== 0x2c && c !== 0x5d) start = i;
    if (c === 0x22) {
      i = stringEnd(text, i);
      if (i < 0) return null;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) {
        // The array's own closing bracket.
        if (start >= 0) bounds.push([start, lastNonSpace(text, i - 1) + 1]);
        break;
      }
      depth--;
    } else if (c === 0x2c && depth === 0) {
      if (start < 0) return null;
      bounds.push([start, lastNonSpace(text, i - 1) + 1]);
      start = -1;
    }
  }
  if (bounds.length !== counts.reduce((a, b) => a + b, 0)) return null;
  const pages: string[] = [];
  let at = 0;
  for (const n of counts) {
    pages.push(n === 0 ? '[]' : `[${text.slice(bounds[at][0], bounds[at + n - 1][1])}]`);
    at += n;
  }
  return pages;
}

/** The index of the quote that ends the string opened at `open`: the next one not escaped by a backslash. */
function stringEnd(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

function lastNonSpace(text: string, from: number): number {
  let i = from;
  for (let c = text.charCodeAt(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = text.charCodeAt(--i));
  return i;
}

// A workbook's shared strings, kept in a few long strings rather than as a million small ones: read by index for
// every text cell of the sheet, where a read is a slice of a page, and a fraction of the memory (no per-string object
// for the GC to trace). Past a budget, whole pages go to a file of their own and come back, a few at a time, as the
// rows cite them; so do the places of the strings, a group at a time: a workbook of many distinct strings is read in
// the same memory as one of few.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Characters per page: strings are packed into pages of this length; a longer one gets a page of its own. */
const PAGE = 1 << 20;
const OFFSET_BITS = 20;
/**
 * Beyond Latin-1: a page holding one of these takes two bytes a character, so such strings get pages of their own
 * and the others stay one byte a character.
 */
const WIDE = /[^\u0000-\u00ff]/;
const ENCODINGS = ['latin1', 'utf16le'] as const;
/**
 * Bytes of pages held in memory before the next ones go to the file. Writers number strings in the order the rows
 * first use them, so the pages kept are the first: those of the values repeated all through a sheet.
 */
export const DEFAULT_KEPT_BYTES = 8 << 20;
/**
 * Strings read back from the file are kept in a table of this many slots, a string's slot set by its index: the
 * values a sheet repeats are read from the file once, not at each cell. (Rows cite a repeated value wherever it was
 * first used, so whole pages read back would be read again and again.)
 */
const CACHE_SLOTS = 1 << 16;
/** Strings per group of places: a group is kept, or written to the file and read back, whole. */
const GROUP_BITS = 12;
const GROUP = 1 << GROUP_BITS;
/** A group's bytes: per string, its start (a double) and its end (four bytes). */
const GROUP_BYTES = GROUP * 12;
/**
 * Bytes of groups of places held in memory before the next ones go to the file: the first groups, those of the values
 * repeated all through a sheet, as with the pages.
 */
export const DEFAULT_KEPT_PLACES_BYTES = 4 << 20;
/**
 * Groups read back from the file, kept by their number modulo this: rows cite new strings in about the order they
 * were added.
 */
const CACHED_GROUPS = 8;

/** Where a page written to the file lies in it. */
interface SpilledPage { offset: number; bytes: number; width: number }

/**
 * The places of GROUP strings: per string, its page times 2^OFFSET_BITS plus its start within the page (exact in a
 * double), and its end. One buffer, written to the file and read back as it is.
 */
class PlaceGroup {
  readonly bytes = new Uint8Array(GROUP_BYTES);
  readonly starts = new Float64Array(this.bytes.buffer, 0, GROUP);
  readonly ends = new Uint32Array(this.bytes.buffer, GROUP * 8, GROUP);
}

/**
 * The page being filled for one width of character. Its strings are copied in as they come (a string cut out of the
 * part's text would keep all of that text alive) and read from its bytes until the page is full or the strings are
 * all in; then it becomes one string.
 */
interface OpenPage {
  index: number;
  bytes: Buffer;
  /** Characters written. */
  used: number;
}

export class SharedStrings {
  /** Undefined for a page still being filled, or one in the file. */
  private pages: (string | undefined)[] = [];
  private keptBytes = 0;
  private spilled = new Map<number, SpilledPage>();
  private spill: { dir: string; fd: number; end: number } | undefined;
  /** Strings read back from the file, by index modulo CACHE_SLOTS; -1 for an empty slot. */
  private cachedIndex = new Int32Array(0);
  private cachedText: (string | undefined)[] = [];
  private readBuffer = Buffer.allocUnsafe(0);
  private open: [OpenPage | undefined, OpenPage | undefined] = [undefined, undefined];
  /** The places of the strings, a group per GROUP of them: kept, or in the file (`groupAt`); the last being filled. */
  private groups: (PlaceGroup | undefined)[] = [];
  private groupAt: number[] = [];
  private filling = new PlaceGroup();
  private keptPlacesBytes = 0;
  /** Groups read back from the file, by number modulo CACHED_GROUPS; -1 for an empty slot. */
  private cachedGroupIndex = new Int32Array(CACHED_GROUPS).fill(-1);
  private cachedGroups: PlaceGroup[] = [];
  length = 0;
  /** False while the strings are still being read (until `seal`): an index past the end may yet come. */
  complete = true;

  constructor(
    private readonly keptBudget = DEFAULT_KEPT_BYTES,
    private readonly keptPlacesBudget = DEFAULT_KEPT_PLACES_BYTES,
  ) {}

  add(text: string): void {
    const width = WIDE.test(text) ? 1 : 0;
    let page = this.open[width];
    // A start must fit in OFFSET_BITS: a string that would reach the page's end starts a new one.
    if (!page || page.used + text.length >= PAGE) {
      if (page) this.join(page, width);
      // A page of its own starts at 0, so a string longer than a page still packs.
      page = this.open[width] = { index: this.pages.push(undefined) - 1, bytes: Buffer.allocUnsafe(Math.max(PAGE, text.length) << width), used: 0 };
    }
    const place = this.length & (GROUP - 1);
    this.filling.starts[place] = page.index * 2 ** OFFSET_BITS + page.used;
    page.bytes.write(text, page.used << width, ENCODINGS[width]);
    page.used += text.length;
    this.filling.ends[place] = page.used;
    this.length++;
    if ((this.length & (GROUP - 1)) === 0) this.groupFilled();
  }

  /** Every string is in: the pages being filled become strings. */
  seal(): void {
    this.open.forEach((page, width) => page && this.join(page, width));
    this.open = [undefined, undefined];
    this.complete = true;
  }

  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    const number = index >>> GROUP_BITS;
    const group = number === this.length >>> GROUP_BITS ? this.filling : this.groups[number] ?? this.readGroup(number);
    const packed = group.starts[index & (GROUP - 1)];
    const end = group.ends[index & (GROUP - 1)];
    const page = Math.floor(packed / 2 ** OFFSET_BITS);
    const start = packed % 2 ** OFFSET_BITS;
    const text = this.pages[page];
    if (text !== undefined) return text.slice(start, end);
    const where = this.spilled.get(page);
    if (where) return this.readBack(index, where, start, end);
    const width = this.open[0]?.index === page ? 0 : 1;
    return this.open[width]!.bytes.toString(ENCODINGS[width], start << width, end << width);
  }

  /** Removes the file of pages, if there is one. */
  close(): void {
    if (!this.spill) return;
    closeSync(this.spill.fd);
    rmSync(this.spill.dir, { recursive: true, force: true });
    this.spill = undefined;
    this.spilled.clear();
    this.cachedIndex = new Int32Array(0);
    this.cachedText = [];
    this.groupAt = [];
    this.cachedGroupIndex.fill(-1);
    this.cachedGroups = [];
  }

  /** Where pages go past the budget, while there is one. */
  get spillDir(): string | undefined {
    return this.spill?.dir;
  }

  /** The page as one string, one or two bytes a character; or, past the budget, its bytes in the file. */
  private join(page: OpenPage, width: number): void {
    const bytes = page.used << width;
    if (this.keptBytes + bytes <= this.keptBudget) {
      this.pages[page.index] = page.bytes.toString(ENCODINGS[width], 0, bytes);
      this.keptBytes += bytes;
      return;
    }
    this.spilled.set(page.index, { offset: this.toFile(page.bytes, bytes), bytes, width });
  }

  /** The group of places just filled is kept, or past the budget written to the file; the next one is filled. */
  private groupFilled(): void {
    const number = (this.length >>> GROUP_BITS) - 1;
    if (this.keptPlacesBytes + GROUP_BYTES <= this.keptPlacesBudget) {
      this.groups[number] = this.filling;
      this.keptPlacesBytes += GROUP_BYTES;
      this.filling = new PlaceGroup();
      return;
    }
    // The group's buffer is written as it is, and filled again.
    this.groupAt[number] = this.toFile(this.filling.bytes, GROUP_BYTES);
  }

  /** A group of places in the file: from the groups read back, or read now in the place of another. */
  private readGroup(number: number): PlaceGroup {
    const slot = number & (CACHED_GROUPS - 1);
    const group = (this.cachedGroups[slot] ??= new PlaceGroup());
    if (this.cachedGroupIndex[slot] !== number) {
      this.readExactly(group.bytes, GROUP_BYTES, this.groupAt[number], `the places of strings ${number * GROUP} on`);
      this.cachedGroupIndex[slot] = number;
    }
    return group;
  }

  /** Appends `bytes` bytes to the file (made with the first): where they start. */
  private toFile(data: Uint8Array, bytes: number): number {
    if (!this.spill) {
      const dir = mkdtempSync(join(tmpdir(), 'sheethook-strings-'));
      this.spill = { dir, fd: openSync(join(dir, 'pages'), 'w+'), end: 0 };
    }
    const offset = this.spill.end;
    writeSync(this.spill.fd, data, 0, bytes, offset);
    this.spill.end += bytes;
    return offset;
  }

  private readExactly(into: Uint8Array, bytes: number, offset: number, what: string): void {
    let read = 0;
    while (read < bytes) {
      const n = readSync(this.spill!.fd, into, read, bytes - read, offset + read);
      if (n === 0) throw new Error(`shared strings: ${what} cut short in their file`);
      read += n;
    }
  }

  /** A string of a page in the file: from the cache, or its own bytes read from the file. */
  private readBack(index: number, where: SpilledPage, start: number, end: number): string {
    if (this.cachedIndex.length === 0) {
      this.cachedIndex = new Int32Array(CACHE_SLOTS).fill(-1);
      this.cachedText = new Array<string | undefined>(CACHE_SLOTS);
    }
    const slot = index & (CACHE_SLOTS - 1);
    if (this.cachedIndex[slot] === index) return this.cachedText[slot]!;
    const bytes = (end - start) << where.width;
    if (this.readBuffer.length < bytes) this.readBuffer = Buffer.allocUnsafe(Math.max(bytes, 4096));
    this.readExactly(this.readBuffer, bytes, where.offset + (start << where.width), `string ${index}`);
    const text = this.readBuffer.toString(ENCODINGS[where.width], 0, bytes);
    this.cachedIndex[slot] = index;
    this.cachedText[slot] = text;
    return text;
  }
}

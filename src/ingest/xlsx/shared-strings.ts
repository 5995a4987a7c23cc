// A workbook's shared strings, kept in a few long strings rather than as a million small ones: read by index for
// every text cell of the sheet, where a read is a slice of a page, and a fraction of the memory (no per-string object
// for the GC to trace).

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
  /** Undefined for a page still being filled. */
  private pages: (string | undefined)[] = [];
  private open: [OpenPage | undefined, OpenPage | undefined] = [undefined, undefined];
  /** Per string: its page times 2^OFFSET_BITS plus its start within the page (exact in a double), then its end. */
  private starts = new Float64Array(1024);
  private ends = new Uint32Array(1024);
  length = 0;
  /** False while the strings are still being read (until `seal`): an index past the end may yet come. */
  complete = true;

  add(text: string): void {
    const width = WIDE.test(text) ? 1 : 0;
    let page = this.open[width];
    // A start must fit in OFFSET_BITS: a string that would reach the page's end starts a new one.
    if (!page || page.used + text.length >= PAGE) {
      if (page) this.join(page, width);
      // A page of its own starts at 0, so a string longer than a page still packs.
      page = this.open[width] = { index: this.pages.push(undefined) - 1, bytes: Buffer.allocUnsafe(Math.max(PAGE, text.length) << width), used: 0 };
    }
    if (this.length === this.starts.length) {
      this.starts = grow(this.starts, new Float64Array(this.length * 2));
      this.ends = grow(this.ends, new Uint32Array(this.length * 2));
    }
    this.starts[this.length] = page.index * 2 ** OFFSET_BITS + page.used;
    page.bytes.write(text, page.used << width, ENCODINGS[width]);
    page.used += text.length;
    this.ends[this.length] = page.used;
    this.length++;
  }

  /** Every string is in: the pages being filled become strings. */
  seal(): void {
    this.open.forEach((page, width) => page && this.join(page, width));
    this.open = [undefined, undefined];
    this.complete = true;
  }

  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    const packed = this.starts[index];
    const page = Math.floor(packed / 2 ** OFFSET_BITS);
    const start = packed % 2 ** OFFSET_BITS;
    const text = this.pages[page];
    if (text !== undefined) return text.slice(start, this.ends[index]);
    const width = this.open[0]?.index === page ? 0 : 1;
    return this.open[width]!.bytes.toString(ENCODINGS[width], start << width, this.ends[index] << width);
  }

  /** The page as one string, one or two bytes a character. */
  private join(page: OpenPage, width: number): void {
    this.pages[page.index] = page.bytes.toString(ENCODINGS[width], 0, page.used << width);
  }
}

function grow<T extends Float64Array | Uint32Array>(array: T, bigger: T): T {
  bigger.set(array);
  return bigger;
}

// A workbook's shared strings, kept as UTF-8 in a few large buffers rather than as a million small strings: read
// by index for every text cell of the sheet, and a fraction of the memory (no per-string object, no GC scanning).

/** Bytes per page: strings are packed into pages of this size; a longer one gets a page of its own. */
const PAGE = 1 << 20;
const OFFSET_BITS = 20;

export class SharedStrings {
  private pages: Buffer[] = [];
  private used = PAGE;  // no page yet
  /** Per string: its page times 2^OFFSET_BITS plus its start within the page (exact in a double), then its end. */
  private starts = new Float64Array(1024);
  private ends = new Uint32Array(1024);
  length = 0;

  add(text: string): void {
    const size = Buffer.byteLength(text, 'utf8');
    // A start must fit in OFFSET_BITS: a string that would reach the page's end starts a new one.
    if (this.used + size >= PAGE) {
      this.pages.push(Buffer.allocUnsafe(Math.max(PAGE, size)));
      this.used = 0;
    }
    const page = this.pages.length - 1;
    if (this.length === this.starts.length) {
      this.starts = grow(this.starts, new Float64Array(this.length * 2));
      this.ends = grow(this.ends, new Uint32Array(this.length * 2));
    }
    const start = this.used;
    this.used += this.pages[page].write(text, start, 'utf8');
    // A page of its own starts at 0, so a string longer than a page still packs.
    this.starts[this.length] = page * 2 ** OFFSET_BITS + start;
    this.ends[this.length] = this.used;
    this.length++;
  }

  get(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    const packed = this.starts[index];
    const page = Math.floor(packed / 2 ** OFFSET_BITS);
    return this.pages[page].toString('utf8', packed % 2 ** OFFSET_BITS, this.ends[index]);
  }

  /** Indexable as exceljs reads its shared strings (`sharedStrings[index]`). */
  asArray(): unknown[] {
    return new Proxy([] as unknown[], {
      get: (target, key) => (typeof key === 'string' && key.charCodeAt(0) >= 0x30 && key.charCodeAt(0) <= 0x39
        ? this.get(Number(key)) : Reflect.get(target, key)),
    });
  }
}

function grow<T extends Float64Array | Uint32Array>(array: T, bigger: T): T {
  bigger.set(array);
  return bigger;
}

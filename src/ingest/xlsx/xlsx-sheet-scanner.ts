// Reads a worksheet part's rows straight from its XML text: a scan for the few elements that hold a cell's value.

import { AppError } from '../../errors.ts';
import { isBlankRow, tooManyColumns } from '../validate/row-checks.ts';
import type { SharedStrings } from './shared-strings.ts';
import type { Cell, RowBatch } from '../types.ts';
import { BOOLEAN, booleanValue, cellType, ERROR, INLINE, ISO_DATE, NUMBER, numberCell, referenceColumn, SHARED, STR, styleIndex } from './xlsx-cell-value.ts';
import { decodeEscapes, isoDateSerial, normalizeLineEnds } from './xlsx-text.ts';
import { decodeEntities } from './xml-text.ts';

export interface SheetContext {
  /** Read as far as the sheet needs: `loadSharedStrings` reads on up to an index. */
  sharedStrings: SharedStrings;
  loadSharedStrings?: (upTo: number) => Promise<void>;
  /** By cell format (a cell's `s`): whether it shows a number as a date. */
  dateStyles: readonly boolean[];
  date1904: boolean;
  /** A row with a value further right than this fails with too_many_columns. */
  maxColumns: number;
}

// Which text is being gathered.
const NO_TEXT = 0;
const V_TEXT = 1;
const T_TEXT = 2;

const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const COLON = 0x3a;
const EQUALS = 0x3d;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;

/**
 * No tag, comment or CDATA section of a worksheet comes near this; held whole until it ends, a longer one would be
 * searched again with every piece of text.
 */
const MAX_MARKUP_CHARS = 1024 * 1024;

const isSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
const notXml = () => new AppError(400, 'file_unreadable', 'The XLSX file is damaged: a part of it is not valid XML');

/**
 * The scan keeps its place between pieces of text: a tag cut in two waits for the next piece, text inside a value is
 * gathered raw and decoded once its element ends. Only the markup of one tag is ever held.
 */
class SheetScanner {
  /** Rows completed by the text scanned so far, blank rows left out; taken by the caller. */
  rows: Cell[][] = [];
  /** Each of `rows`'s number in the sheet: its `r`, or the one after the row before it. */
  sheetRows: number[] = [];
  /** The end of the sheet's cells was seen: what follows holds no values. */
  done = false;
  /** The furthest shared string the rows cite that is not read yet; -1 for none. Then `resolve` fills them in. */
  wanted = -1;

  private readonly strings: SharedStrings;
  private readonly dateStyles: readonly boolean[];
  private readonly date1904: boolean;
  private readonly maxColumns: number;

  private carry = '';
  private inSheetData = false;
  private inRow = false;
  private inCell = false;
  private inPhonetic = false;
  private gathering = NO_TEXT;
  /** Raw text of the element being gathered, not yet decoded. */
  private pending = '';

  private row: Cell[] = [];
  private rowNumber = 0;
  /** The furthest column with a value past maxColumns; 0 while the row fits. */
  private overflow = 0;
  private lastColumn = 0;
  private column = 0;
  private style = -1;
  private type = NUMBER;
  private v: string | undefined;
  private t: string | undefined;
  /** Cells citing shared strings not read yet: row, index in the row, string index, in threes. */
  private unresolved: (Cell[] | number)[] = [];
  /** Rows waiting for those strings: whether they are blank is only known then. */
  private unsettled = new Set<Cell[]>();

  constructor(context: SheetContext) {
    this.strings = context.sharedStrings;
    this.dateStyles = context.dateStyles;
    this.date1904 = context.date1904;
    this.maxColumns = context.maxColumns;
  }

  scan(chunk: string): void {
    const text = this.carry ? this.carry + chunk : chunk;
    this.carry = '';
    const length = text.length;
    let at = 0;
    while (at < length && !this.done) {
      const lt = text.indexOf('<', at);
      if (lt === -1) {
        if (this.gathering !== NO_TEXT) this.pending += text.slice(at);
        return;
      }
      if (lt > at && this.gathering !== NO_TEXT) this.pending += text.slice(at, lt);
      const next = this.markup(text, lt);
      if (next === -1) {
        if (length - lt > MAX_MARKUP_CHARS) throw notXml();
        this.carry = text.slice(lt);
        return;
      }
      at = next;
    }
  }

  /** The text has ended: anything left open means the part was cut short. */
  end(): void {
    if (this.carry || (this.inSheetData && !this.done)) throw notXml();
  }

  /** Handles the markup at `lt`; where the text goes on after it, or -1 when it is not all there yet. */
  private markup(text: string, lt: number): number {
    const second = text.charCodeAt(lt + 1);
    if (second === SLASH) {
      const gt = text.indexOf('>', lt + 2);
      if (gt === -1) return -1;
      this.closeTag(text, lt + 2, gt);
      return gt + 1;
    }
    if (second === BANG) return this.special(text, lt);
    if (second === QUESTION) {
      const end = text.indexOf('?>', lt + 2);
      return end === -1 ? -1 : end + 2;
    }
    if (Number.isNaN(second)) return -1;
    return this.openTag(text, lt + 1);
  }

  /** A comment, a CDATA section (text, taken as it is) or a declaration. */
  private special(text: string, lt: number): number {
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1) return -1;
      if (this.gathering !== NO_TEXT) {
        this.flushText();
        this.append(text.slice(lt + 9, end));
      }
      return end + 3;
    }
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      return end === -1 ? -1 : end + 3;
    }
    // Too short yet to tell which it is.
    if (text.length - lt < 9) return -1;
    const gt = text.indexOf('>', lt + 2);
    return gt === -1 ? -1 : gt + 1;
  }

  private openTag(text: string, from: number): number {
    // The element's name, and where its local part starts (after a prefix such as x:).
    let local = from;
    let at = from;
    const length = text.length;
    for (; at < length; at++) {
      const code = text.charCodeAt(at);
      if (code === GT || code === SLASH || isSpace(code)) break;
      if (code === COLON) local = at + 1;
    }
    if (at === length) return -1;
    const nameLength = at - local;
    const first = text.charCodeAt(local);
    const isCell = nameLength === 1 && first === 0x63 && this.inRow;
    const gt = isCell ? this.cellAttributes(text, at) : tagEnd(text, at);
    if (gt === -1) return -1;
    if (nameLength === 3 && first === 0x72 && this.inSheetData && text.startsWith('row', local)) {
      // A row without r follows the one before it.
      this.rowNumber = rowReference(text, at, gt) || this.rowNumber + 1;
    }
    const selfClosing = text.charCodeAt(gt - 1) === SLASH;
    if (this.gathering !== NO_TEXT) this.flushText();
    this.gathering = NO_TEXT;
    if (isCell) {
      this.openCell(selfClosing);
      if (!selfClosing) return this.plainCell(text, gt + 1);
    } else if (nameLength === 1) {
      if (this.inCell && !selfClosing) {
        if (first === 0x76) this.gathering = V_TEXT; // v
        else if (first === 0x74 && !this.inPhonetic) this.gathering = T_TEXT; // t
      }
    } else if (nameLength === 3) {
      if (first === 0x72 && text.startsWith('row', local)) this.openRow(selfClosing);
      else if (first === 0x72 && text.startsWith('rPh', local) && this.inCell && !selfClosing) this.inPhonetic = true;
    } else if (nameLength === 9 && text.startsWith('sheetData', local) && !selfClosing) {
      this.inSheetData = true;
    }
    return gt + 1;
  }

  private closeTag(text: string, from: number, gt: number): void {
    if (this.gathering !== NO_TEXT) this.flushText();
    this.gathering = NO_TEXT;
    let to = gt;
    while (isSpace(text.charCodeAt(to - 1))) to--;
    let local = from;
    for (let at = from; at < to; at++) if (text.charCodeAt(at) === COLON) local = at + 1;
    const nameLength = to - local;
    const first = text.charCodeAt(local);
    if (nameLength === 1) {
      if (first === 0x63 && this.inCell) this.closeCell();
    } else if (nameLength === 3) {
      if (first === 0x72 && text.startsWith('row', local)) this.closeRow();
      else if (first === 0x72 && text.startsWith('rPh', local)) this.inPhonetic = false;
    } else if (nameLength === 9 && this.inSheetData && text.startsWith('sheetData', local)) {
      this.done = true;
    }
  }

  private openRow(selfClosing: boolean): void {
    if (!this.inSheetData) return;
    this.inRow = !selfClosing;
    this.row = [];
    this.overflow = 0;
    this.lastColumn = 0;
  }

  private closeRow(): void {
    if (!this.inRow) return;
    this.inRow = false;
    this.inCell = false;
    if (this.overflow > 0) throw tooManyColumns(this.maxColumns, this.overflow);
    if (this.unsettled.size > 0 && this.unsettled.has(this.row)) {
      // Its strings still to come, the row is judged blank or not once they are filled in.
      if (this.wanted >= 0) {
        this.rows.push(this.row);
        this.sheetRows.push(this.rowNumber);
        return;
      }
      this.unsettled.delete(this.row);
    }
    if (!isBlankRow(this.row)) {
      this.rows.push(this.row);
      this.sheetRows.push(this.rowNumber);
    }
  }

  /** Fills in the shared strings the rows wait for, once they are read, and leaves out the rows they make blank. */
  resolve(): void {
    const { unresolved } = this;
    for (let i = 0; i < unresolved.length; i += 3) {
      const text = this.strings.get(unresolved[i + 2] as number);
      if (text !== undefined) placeIn(unresolved[i] as Cell[], unresolved[i + 1] as number, text);
    }
    this.unresolved = [];
    this.wanted = -1;
    // A row still open keeps waiting until it ends.
    if (this.rows.some((row) => this.unsettled.has(row))) {
      const rows: Cell[][] = [];
      const sheetRows: number[] = [];
      for (let i = 0; i < this.rows.length; i++) {
        const row = this.rows[i];
        if (this.unsettled.delete(row) && isBlankRow(row)) continue;
        rows.push(row);
        sheetRows.push(this.sheetRows[i]);
      }
      this.rows = rows;
      this.sheetRows = sheetRows;
    }
  }

  /**
   * Reads the r, s and t of a cell's start tag into the scan; where the tag ends, or -1. A value may hold '>', so
   * the end is found past the attributes.
   */
  private cellAttributes(text: string, from: number): number {
    this.column = 0;
    this.style = -1;
    this.type = NUMBER;
    const length = text.length;
    let at = from;
    for (;;) {
      while (at < length && isSpace(text.charCodeAt(at))) at++;
      if (at >= length) return -1;
      const code = text.charCodeAt(at);
      if (code === GT) return at;
      if (code === SLASH) { at++; continue; }
      const nameFrom = at;
      while (at < length) {
        const c = text.charCodeAt(at);
        if (c === EQUALS || isSpace(c) || c === GT || c === SLASH) break;
        at++;
      }
      const nameTo = at;
      while (at < length && isSpace(text.charCodeAt(at))) at++;
      if (at >= length) return -1;
      // A name without a value is not XML; skip it rather than look for its value.
      if (text.charCodeAt(at) !== EQUALS) continue;
      at++;
      while (at < length && isSpace(text.charCodeAt(at))) at++;
      if (at >= length) return -1;
      const quote = text.charCodeAt(at);
      if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) throw notXml();
      const valueTo = text.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", at + 1);
      if (valueTo === -1) return -1;
      if (nameTo - nameFrom === 1) {
        const valueFrom = at + 1;
        switch (text.charCodeAt(nameFrom)) {
          case 0x72: this.column = referenceColumn(text, valueFrom, valueTo); break; // r
          case 0x73: this.style = styleIndex(text, valueFrom, valueTo); break; // s
          case 0x74: this.type = cellType(text, valueFrom, valueTo); break; // t
        }
      }
      at = valueTo + 1;
    }
  }

  private openCell(selfClosing: boolean): void {
    // A cell without a reference follows the one before it.
    if (this.column === 0) this.column = this.lastColumn + 1;
    this.lastColumn = this.column;
    this.v = undefined;
    this.t = undefined;
    this.inPhonetic = false;
    this.inCell = !selfClosing;
  }

  /**
   * Most cells are a value and nothing else, <v>…</v></c> or <is><t>…</t></is></c>: read at once, they skip the
   * general scan. Where the text goes on after the cell, or `from` for any other cell.
   */
  private plainCell(text: string, from: number): number {
    let valueFrom: number;
    let end: string;
    if (text.startsWith('<v>', from)) {
      valueFrom = from + 3;
      end = '</v></c>';
    } else if (text.startsWith('<is><t>', from)) {
      valueFrom = from + 7;
      end = '</t></is></c>';
    } else {
      return from;
    }
    const valueTo = text.indexOf('<', valueFrom);
    if (valueTo === -1 || !text.startsWith(end, valueTo)) return from;
    const raw = text.slice(valueFrom, valueTo);
    const value = decodeEntities(normalizeLineEnds(raw));
    if (end.length === 8) this.v = value;
    else this.t = value;
    this.closeCell();
    return valueTo + end.length;
  }

  private flushText(): void {
    const raw = this.pending;
    if (!raw) return;
    this.pending = '';
    this.append(decodeEntities(normalizeLineEnds(raw)));
  }

  private append(content: string): void {
    if (this.gathering === V_TEXT) this.v = this.v === undefined ? content : this.v + content;
    else this.t = this.t === undefined ? content : this.t + content;
  }

  private closeCell(): void {
    this.inCell = false;
    // Some writers put an inline string in <v>.
    const raw = this.type === INLINE ? this.t ?? this.v : this.v;
    if (!raw) return;
    let value: Cell;
    switch (this.type) {
      case SHARED: {
        const index = parseInt(raw, 10);
        const text = this.strings.get(index);
        if (text !== undefined) {
          value = text;
        } else if (!this.strings.complete && index >= this.strings.length) {
          this.await(index);
          return;
        } else {
          return;
        }
        break;
      }
      case STR:
      case INLINE:
        value = decodeEscapes(raw);
        break;
      case BOOLEAN:
        value = booleanValue(raw);
        break;
      case ERROR:
        // Takes its place in the row, but a #N/A or #DIV/0! is no value to import.
        value = null;
        break;
      case ISO_DATE: {
        // As Excel reads it: the moment as a serial number, shown as a date only in a date format.
        const serial = isoDateSerial(raw.trim(), this.date1904);
        if (serial === undefined) return;
        value = this.number(serial);
        break;
      }
      default:
        value = this.number(parseFloat(raw));
    }
    this.place(value);
  }

  /** The cell takes a shared string not read yet: placed by `resolve`, its row's blankness decided then. */
  private await(index: number): void {
    if (this.column > this.maxColumns) return;
    this.unresolved.push(this.row, this.column - 1, index);
    this.unsettled.add(this.row);
    if (index > this.wanted) this.wanted = index;
  }

  private number(serial: number): Cell {
    const { style } = this;
    // A cell without s has the first format.
    return numberCell(serial, this.dateStyles[style === -1 ? 0 : style] === true, this.date1904);
  }

  private place(value: Cell): void {
    const { column, row } = this;
    if (column > this.maxColumns) {
      if (column > this.overflow) this.overflow = column;
      return;
    }
    placeIn(row, column - 1, value);
  }
}

/** Cells are placed by their column, whatever order they come in; the columns between stay empty. */
function placeIn(row: Cell[], index: number, value: Cell): void {
  while (row.length < index) row.push(null);
  row[index] = value;
}

/** The number a row's start tag gives in its r attribute, between `from` and its '>'; 0 when it has none. */
function rowReference(text: string, from: number, gt: number): number {
  for (let at = text.indexOf('r', from); at !== -1 && at < gt; at = text.indexOf('r', at + 1)) {
    if (!isSpace(text.charCodeAt(at - 1))) continue;
    let equals = at + 1;
    while (isSpace(text.charCodeAt(equals))) equals++;
    if (text.charCodeAt(equals) !== EQUALS) continue;
    let quote = equals + 1;
    while (isSpace(text.charCodeAt(quote))) quote++;
    let number = 0;
    for (let digit = quote + 1; digit < gt; digit++) {
      const code = text.charCodeAt(digit);
      if (code < 0x30 || code > 0x39) break;
      number = number * 10 + code - 0x30;
    }
    return number;
  }
  return 0;
}

/** Where a start tag that is not a cell's ends: its '>', past any quoted value; -1 when not all there yet. */
function tagEnd(text: string, from: number): number {
  const length = text.length;
  for (let at = from; at < length; at++) {
    const code = text.charCodeAt(at);
    if (code === GT) return at;
    if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      const close = text.indexOf(code === DOUBLE_QUOTE ? '"' : "'", at + 1);
      if (close === -1) return -1;
      at = close;
    }
  }
  return -1;
}

/**
 * The rows of a worksheet part's text, in batches of those one piece of text completes: small pieces (partText's)
 * make small batches, whose rows do not outlive the reading thread's young generation.
 */
export async function* sheetRowBatches(chunks: AsyncIterable<string>, context: SheetContext): AsyncGenerator<RowBatch> {
  const scanner = new SheetScanner(context);
  for await (const chunk of chunks) {
    scanner.scan(chunk);
    if (scanner.wanted >= 0) {
      await context.loadSharedStrings?.(scanner.wanted);
      scanner.resolve();
    }
    if (scanner.rows.length > 0) {
      yield { rows: scanner.rows, sheetRows: scanner.sheetRows };
      scanner.rows = [];
      scanner.sheetRows = [];
    }
    if (scanner.done) return;
  }
  scanner.end();
}

// Streams the rows of a CSV file: read in pieces, decoded, and parsed by papaparse's streaming parser piece by piece.

import { open } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { AppError } from '../../errors.ts';
import { csvWidthScanner } from './csv-width.ts';
import { DEFAULT_MAX_COLUMNS, fieldTooLarge } from '../validate/row-checks.ts';
import { isSystemError } from '../system-error.ts';

/** Bytes read at a time. */
const PIECE_BYTES = 64 * 1024;
/**
 * Text parsed at a time, at least. A slice's rows live until the last of them is validated, past the young-generation
 * collections that come meanwhile, which copy them, and those they outlive twice go to the old generation: the
 * smaller the slice, the less each collection copies and the less waits there as garbage (block-reader.ts keeps the
 * reading thread's young generation small on that account). A slice is as long as the text written since the last
 * row, when that is longer: papaparse parses an unfinished row again from its start with each slice, and so a long
 * row costs twice its length at most, not its length times its slices.
 */
const SLICE_CHARS = 4 * 1024;

/**
 * Text written without a row coming out, beyond the largest field: papaparse re-parses an unfinished row from its start
 * with every slice, so without a bound an unclosed quote would cost quadratic time and hold the rest of the file in
 * memory.
 */
const UNFINISHED_ROW_SLACK = 1024 * 1024;

interface TextDecoding {
  write(bytes: Uint8Array): string;
  end(): string;
}

/** UTF-8 through the platform's decoder, the rest through iconv-lite; a byte order mark is dropped either way. */
function decoding(encoding: string): TextDecoding {
  if (encoding === 'utf-8' || encoding === 'utf8') {
    const decoder = new TextDecoder('utf-8');
    return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
  }
  const decoder = iconv.getDecoder(encoding, { stripBOM: true });
  return { write: (bytes) => decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)), end: () => decoder.end() ?? '' };
}

/** The file's line break as papaparse guesses it from the first text (\n, \r\n or \r), quoted text left out. */
function lineBreakOf(text: string, delimiter: string): '\n' | '\r\n' | '\r' {
  const guessed = (Papa.parse(text, { delimiter, preview: 1 }) as Papa.ParseResult<string[]>).meta.linebreak;
  return guessed === '\r\n' || guessed === '\r' ? guessed : '\n';
}

/**
 * The rows in batches, a batch per piece of the file: the consumer waits once per piece, not per row. Text is parsed
 * as soon as it is decoded, through papaparse's public streaming interface (`NODE_STREAM_INPUT`, the same as a
 * program streaming a file through it); the unfinished row at the end of a piece waits inside it for the next one.
 */
export async function* csvRowBatches(
  path: string, encoding: string, delimiter: string, maxFieldBytes: number, maxColumns = DEFAULT_MAX_COLUMNS,
): AsyncGenerator<string[][]> {
  const file = await open(path, 'r');
  let parser: Duplex | undefined;
  try {
    const decoder = decoding(encoding);
    // A row far too wide is refused from its text, before papaparse builds an array of its fields.
    const scanWidths = csvWidthScanner(delimiter, maxColumns);
    const unfinishedLimit = maxFieldBytes + UNFINISHED_ROW_SLACK;
    let batch: string[][] = [];
    let failure: Error | undefined;
    let ended: Promise<void> | undefined;
    /** Text written since the last piece that gave a row. */
    let rowless = 0;
    const buffer = Buffer.allocUnsafe(PIECE_BYTES);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, PIECE_BYTES, null);
      const last = bytesRead === 0;
      const text = last ? decoder.end() : decoder.write(buffer.subarray(0, bytesRead));
      scanWidths(text);
      if (text !== '' && !parser) {
        const csv = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter, newline: lineBreakOf(text, delimiter), quoteChar: '"', escapeChar: '"' });
        parser = csv;
        // Flowing: each row comes out as it is parsed, while the piece is written.
        csv.on('data', (row: string[]) => { batch.push(row); });
        csv.on('error', (error: Error) => { failure = error; });
        ended = new Promise((resolve, reject) => {
          csv.once('end', resolve);
          csv.once('error', reject);
        });
      }
      for (let at = 0, size = SLICE_CHARS; parser && at < text.length; at += size) {
        const written = parser;
        size = Math.max(SLICE_CHARS, rowless);
        const slice = text.slice(at, at + size);
        await new Promise<void>((resolve, reject) => written.write(slice, (error) => (error ? reject(error) : resolve())));
        rowless = batch.length > 0 ? 0 : rowless + slice.length;
        if (rowless > unfinishedLimit) {
          throw fieldTooLarge(maxFieldBytes, ' or a line that never ends (often a quote that is never closed)');
        }
        if (failure) throw failure;
        if (batch.length > 0 && at + size < text.length) {
          const rows = batch;
          batch = [];
          yield rows;
        }
      }
      if (last && parser) {
        parser.end();
        await ended;
      }
      if (failure) throw failure;
      if (batch.length > 0) {
        const rows = batch;
        batch = [];
        yield rows;
      }
      if (last) return;
    }
  } catch (error) {
    // The disk's read errors pass through unchanged.
    if (error instanceof AppError || isSystemError(error)) throw error;
    throw new AppError(400, 'file_unreadable', `The CSV file could not be read: ${(error as Error).message}`, { cause: error });
  } finally {
    // Reached on early exit too: nothing may keep the file open, nor the parser its text.
    parser?.destroy();
    await file.close();
  }
}

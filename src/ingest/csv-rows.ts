// Streams the rows of a CSV file: bytes, decoded by iconv-lite, parsed by papaparse, with backpressure throughout.

import { createReadStream } from 'node:fs';
import { pipeline, Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { AppError } from '../errors.ts';
import { csvWidthScanner } from './csv-width.ts';
import { DEFAULT_MAX_COLUMNS, fieldTooLarge } from './row-checks.ts';
import { isSystemError } from './system-error.ts';

/**
 * Text the stages between the file and the parser may hold while the consumer still has rows
 * to take; beyond it, text that yields no row is one endless row.
 */
const BUFFERED_TEXT_SLACK = 1024 * 1024;

/**
 * Counts the text handed to the parser since the consumer last took a row. Papaparse re-parses
 * an unfinished row from its start with every new chunk, so an unclosed quote would otherwise
 * cost quadratic time and hold the rest of the file in memory.
 */
function textMeter(limit: number, tooLarge: () => Error, scanWidths: (text: string) => void) {
  let pending = 0;
  const stream = new Transform({
    decodeStrings: false,
    encoding: 'utf8',
    transform(chunk: string, _encoding: BufferEncoding, callback: TransformCallback) {
      pending += chunk.length;
      if (pending > limit) return callback(tooLarge());
      try {
        scanWidths(chunk);
      } catch (error) {
        return callback(error as Error);
      }
      callback(null, chunk);
    },
  });
  return { stream, rowTaken: () => (pending = 0) };
}

/**
 * The rows in batches: every row the parser has ready at once, taken without a wait per row. `rowTaken` in the
 * meter counts a batch as rows taken, since the consumer takes the whole batch before it asks again.
 */
export async function* csvRowBatches(
  path: string, encoding: string, delimiter: string, maxFieldBytes: number, maxColumns = DEFAULT_MAX_COLUMNS,
): AsyncGenerator<string[][]> {
  const file = createReadStream(path);
  const decoder = iconv.decodeStream(encoding, { stripBOM: true }) as unknown as Transform;
  const meter = textMeter(maxFieldBytes + BUFFERED_TEXT_SLACK, () =>
    fieldTooLarge(maxFieldBytes, ' or a line that never ends (often a quote that is never closed)'),
    // A row far too wide is refused from its text, before papaparse builds an array of its fields.
    csvWidthScanner(delimiter, maxColumns),
  );
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter, quoteChar: '"', escapeChar: '"', header: false, dynamicTyping: false });
  // Any stage failing destroys the parser with that error, which ends the loop below.
  pipeline(file, decoder, meter.stream, parser, () => {});
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const signal = () => { wake?.(); wake = undefined; };
  parser.on('readable', signal);
  parser.on('end', () => { ended = true; signal(); });
  parser.on('error', (error: Error) => { failure ??= error; signal(); });
  parser.on('close', () => { ended = true; signal(); });
  try {
    for (;;) {
      if (failure) throw failure;
      const batch: string[][] = [];
      for (let row = parser.read() as string[] | null; row !== null; row = parser.read() as string[] | null) batch.push(row);
      if (batch.length > 0) {
        meter.rowTaken();
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => { wake = resolve; });
    }
  } catch (error) {
    // The disk's read errors pass through unchanged.
    if (error instanceof AppError || isSystemError(error)) throw error;
    throw new AppError(400, 'file_unreadable', `The CSV file could not be read: ${(error as Error).message}`, { cause: error });
  } finally {
    // Reached on early exit too: nothing may keep the file open.
    parser.destroy();
    meter.stream.destroy();
    decoder.destroy();
    file.destroy();
  }
}

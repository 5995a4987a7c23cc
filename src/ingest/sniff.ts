// What an uploaded file is, judged from its first bytes: CSV (with encoding and delimiter) or XLSX.

import { open } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { AppError } from '../errors.ts';
import { detectEncoding } from './csv/detect-encoding.ts';
import { guessDelimiter } from './csv/guess-delimiter.ts';

/** How an upload's sheet was chosen: named by `sheet`, the only visible sheet with rows, the best match of the template's
 * columns among several, or the first with rows when none matches. */
export type SheetChoice = 'given' | 'only' | 'best_match' | 'first';

export type Sniff =
  | { format: 'csv'; encoding: string; delimiter: string }
  | {
    format: 'xlsx';
    /** The sheet read; when absent (uploads received before it was kept), the first visible sheet with rows. */
    sheet?: string;
    /** The workbook's visible worksheets, in its order. */
    sheets?: string[];
    sheetChosen?: SheetChoice;
  };

const SAMPLE_BYTES = 64 * 1024;

const startsWith = (sample: Uint8Array, magic: readonly number[]) => magic.every((byte, i) => sample[i] === byte);
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const notSpreadsheet = () => new AppError(415, 'unsupported_format', 'The file is not a CSV or XLSX file (it looks like binary data)');

/** Control characters that turn up in real exports: tab, line feed, form feed, carriage return, and DOS end-of-file. */
const isBinaryControl = (code: number) => (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0c && code !== 0x0d && code !== 0x1a) || code === 0x7f;

function looksBinary(text: string): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) return true;
    if (isBinaryControl(code)) controls++;
  }
  return controls > Math.max(4, text.length * 0.01);
}

/** A sample cut inside the file ends in a partial line, which would skew the delimiter count. */
function completeLines(text: string, truncated: boolean): string {
  if (!truncated) return text;
  const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  return lastBreak > 0 ? text.slice(0, lastBreak) : text;
}

async function readSample(path: string): Promise<{ sample: Uint8Array; truncated: boolean }> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES + 1);
    let length = 0;
    // read() may return fewer bytes than asked for before the end of the file.
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return { sample: buffer.subarray(0, Math.min(length, SAMPLE_BYTES)), truncated: length > SAMPLE_BYTES };
  } finally {
    await handle.close();
  }
}

export async function sniffFile(path: string): Promise<Sniff> {
  const { sample, truncated } = await readSample(path);
  if (sample.length === 0) throw new AppError(400, 'file_empty', 'The file is empty');
  if (startsWith(sample, ZIP_MAGIC)) return { format: 'xlsx' };
  if (startsWith(sample, OLE_MAGIC)) {
    throw new AppError(415, 'unsupported_format', 'Legacy Excel files (.xls) are not supported: save the file as .xlsx or .csv and upload it again');
  }

  const encoding = detectEncoding(sample, truncated);
  if (!encoding) throw notSpreadsheet();
  // iconv-lite drops a byte order mark and replaces a character cut at the end of the sample.
  const text = iconv.decode(Buffer.from(sample.buffer, sample.byteOffset, sample.length), encoding);
  if (looksBinary(text)) throw notSpreadsheet();
  return { format: 'csv', encoding, delimiter: guessDelimiter(completeLines(text, truncated)) };
}

// A zip file opened for exceljs's streaming reader, with every failure made visible to the caller.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { AppError } from '../errors.ts';

/** End-of-central-directory record: the last thing a complete zip file holds, within its last 64 KiB + 22 bytes. */
const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const EOCD_SEARCH_BYTES = 65_557;

/** A zip cut short loses its directory first; finding that out costs one small read. */
export async function hasZipDirectory(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, EOCD_SEARCH_BYTES);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    return tail.lastIndexOf(EOCD_SIGNATURE) !== -1;
  } finally {
    await handle.close();
  }
}

export interface ZipInput {
  /** What to hand to exceljs's WorkbookReader. */
  stream: PassThrough;
  /** Never resolves; rejects with the first read or unzip error. Race every wait on exceljs against it. */
  failed: Promise<never>;
  close(): void;
}

/**
 * exceljs pipes its input into an unzipper and, when the unzipper fails inside an entry (corrupt
 * deflate data), keeps waiting for that entry to end, which it never does. So the unzipper's
 * errors are caught where exceljs attaches it, and a read error of the file ends nothing by
 * itself either (pipe() does not pass errors on).
 */
export function openZipInput(path: string): ZipInput {
  const file = createReadStream(path);
  const stream = new PassThrough();
  let fail!: (error: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  // Rejected with no one racing it (say, after the last row) is not an unhandled rejection.
  failed.catch(() => {});
  file.on('error', fail);
  const pipe = stream.pipe.bind(stream);
  stream.pipe = ((destination: NodeJS.WritableStream, options?: { end?: boolean }) => {
    destination.on('error', fail);
    return pipe(destination, options);
  }) as typeof stream.pipe;
  file.pipe(stream);
  return {
    stream,
    failed,
    close() {
      stream.destroy();
      file.destroy();
    },
  };
}

/** The unzipper's and XML parser's errors, told in terms an uploader can act on. */
export function describeXlsxFailure(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const unreadable = (problem: string) => new AppError(400, 'file_unreadable', `The XLSX file ${problem}`, { cause: error });
  if (message === 'FILE_ENDED') return unreadable('is truncated: it ends before all of its parts');
  if (message.startsWith('invalid signature')) return unreadable('is damaged: it holds invalid zip data');
  if (typeof code === 'string' && code.startsWith('Z_')) return unreadable('is damaged: its compressed data is corrupt');
  if (/^\d+:\d+: /.test(message)) return unreadable('is damaged: a part of it is not valid XML');
  // exceljs meeting a structure it does not expect fails on a property of something missing.
  if (error instanceof TypeError) return unreadable('is damaged: its parts are not laid out as in an XLSX file');
  return unreadable(`could not be read: ${message}`);
}

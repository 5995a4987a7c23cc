// A zip file opened for exceljs's streaming reader, with every failure made visible to the caller.

import { createReadStream } from 'node:fs';
import { PassThrough, type Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../errors.ts';
import { unpacksTooLarge } from './zip-limits.ts';

export { hasZipDirectory } from './zip-directory.ts';

export interface ZipInput {
  /** What to hand to exceljs's WorkbookReader. */
  stream: PassThrough;
  /** Never resolves; rejects with the first read or unzip error. Race every wait on exceljs against it. */
  /**
   * `promise`, or the input's failure if that comes first. Unlike Promise.race against a failure promise, the waiter is
   * removed once `promise` settles, so a long read does not keep every row it ever waited for.
   */
  race<T>(promise: Promise<T>): Promise<T>;
  close(): void;
}

/**
 * Counts what an unzipper entry (a PassThrough the inflater writes into) receives, whoever reads
 * it: exceljs parses some entries, drains others.
 */
function countUnpacked(entry: Transform, add: (bytes: number) => void): void {
  const transform = entry._transform;
  entry._transform = function (chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback) {
    add(chunk.length);
    transform.call(this, chunk, encoding, callback);
  };
}

/**
 * exceljs pipes its input into an unzipper and, when the unzipper fails inside an entry (corrupt
 * deflate data), keeps waiting for that entry to end, which it never does. So the unzipper's
 * errors are caught where exceljs attaches it, and a read error of the file ends nothing by
 * itself either (pipe() does not pass errors on).
 *
 * With maxUncompressedBytes, the bytes unpacked are counted too: the directory's sizes, checked
 * before, can lie, and the unzipper reads entries as the file lays them out, not as it lists them.
 */
export function openZipInput(path: string, limits: { maxUncompressedBytes?: number } = {}): ZipInput {
  const file = createReadStream(path);
  const stream = new PassThrough();
  let failure: Error | undefined;
  const waiters = new Set<(error: Error) => void>();
  const fail = (error: Error) => {
    failure ??= error;
    for (const waiter of waiters) waiter(error);
    waiters.clear();
  };
  const race = <T>(promise: Promise<T>) => new Promise<T>((resolve, reject) => {
    if (failure) return reject(failure);
    waiters.add(reject);
    promise.then(
      (value) => { waiters.delete(reject); resolve(value); },
      (error) => { waiters.delete(reject); reject(error); },
    );
  });
  file.on('error', fail);
  const pipe = stream.pipe.bind(stream);
  const { maxUncompressedBytes } = limits;
  let unpacked = 0;
  const add = (bytes: number) => {
    unpacked += bytes;
    if (maxUncompressedBytes !== undefined && unpacked > maxUncompressedBytes) fail(unpacksTooLarge(maxUncompressedBytes));
  };
  stream.pipe = ((destination: NodeJS.WritableStream, options?: { end?: boolean }) => {
    destination.on('error', fail);
    // The unzipper hands out each entry as an object; another listener beside exceljs's takes nothing from it.
    if (maxUncompressedBytes !== undefined) destination.on('data', (entry: Transform) => countUnpacked(entry, add));
    return pipe(destination, options);
  }) as typeof stream.pipe;
  file.pipe(stream);
  return {
    stream,
    race,
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

// A zip file opened for exceljs's streaming reader, with every failure made visible to the caller.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, Readable, type Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../errors.ts';
import type { ZipEntry } from './zip-directory.ts';
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
export function openZipInput(
  path: string, limits: { maxUncompressedBytes?: number } = {}, entries?: readonly ZipEntry[],
): ZipInput {
  const file = entries ? Readable.from(entriesAlone(path, entries)) : createReadStream(path);
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

const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
const END_SIGNATURE = 0x06054b50;
const END_RECORD_SIZE = 22;
/** Bit 3: sizes and checksum follow the data instead of the header. The header written here always has them. */
const DATA_DESCRIPTOR_FLAG = 0x0008;

/** Whether each of these entries can be read on its own (see entriesAlone). */
export const readableAlone = (entries: readonly ZipEntry[]) => entries.every((e) => e.local !== undefined);

/**
 * A zip stream of just these entries, in the file's order: each a local header with the directory's sizes and
 * checksum, then the entry's compressed bytes, read straight from where the directory says. Lets a reader that
 * streams through the whole archive skip the parts it does not need without unpacking them.
 */
async function* entriesAlone(path: string, entries: readonly ZipEntry[]): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    for (const entry of [...entries].sort((a, b) => a.local!.offset - b.local!.offset)) {
      const local = entry.local!;
      const found = Buffer.alloc(LOCAL_HEADER_SIZE);
      const { bytesRead } = await handle.read(found, 0, LOCAL_HEADER_SIZE, local.offset);
      if (bytesRead < LOCAL_HEADER_SIZE || found.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new Error('invalid signature: local header');
      const dataAt = local.offset + LOCAL_HEADER_SIZE + found.readUInt16LE(26) + found.readUInt16LE(28);
      const name = Buffer.from(entry.name, 'utf8');
      const header = Buffer.alloc(LOCAL_HEADER_SIZE);
      header.writeUInt32LE(LOCAL_SIGNATURE, 0);
      header.writeUInt16LE(local.versionNeeded, 4);
      header.writeUInt16LE(local.flags & ~DATA_DESCRIPTOR_FLAG, 6);
      header.writeUInt16LE(local.method, 8);
      header.writeUInt16LE(local.time, 10);
      header.writeUInt16LE(local.date, 12);
      header.writeUInt32LE(local.crc32, 14);
      header.writeUInt32LE(entry.compressedSize, 18);
      header.writeUInt32LE(entry.uncompressedSize, 22);
      header.writeUInt16LE(name.length, 26);
      header.writeUInt16LE(0, 28);
      yield Buffer.concat([header, name]);
      for (let at = 0; at < entry.compressedSize;) {
        const chunk = Buffer.alloc(Math.min(64 * 1024, entry.compressedSize - at));
        const { bytesRead: n } = await handle.read(chunk, 0, chunk.length, dataAt + at);
        // Cut short: the unzipper reports the truncated file.
        if (n === 0) return;
        at += n;
        yield n === chunk.length ? chunk : chunk.subarray(0, n);
      }
    }
    // An empty end record: where the directory would be, the archive ends.
    const end = Buffer.alloc(END_RECORD_SIZE);
    end.writeUInt32LE(END_SIGNATURE, 0);
    yield end;
  } finally {
    await handle.close();
  }
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

// Chosen parts of a zip file, streamed as a zip of their own to exceljs's reader, with every failure made visible to the caller.

import { open } from 'node:fs/promises';
import { PassThrough, Readable, type Transform, type TransformCallback } from 'node:stream';
import { AppError } from '../errors.ts';
import type { ZipEntry } from './zip-directory.ts';
import { entryDataOffset, LOCAL_HEADER_SIZE } from './zip-entry.ts';
import { unpacksTooLarge } from './zip-limits.ts';

export { hasZipDirectory } from './zip-directory.ts';

export interface ZipInput {
  /** What to hand to exceljs's WorkbookReader. */
  stream: PassThrough;
  /**
   * `promise`, or the input's failure if that comes first. Unlike Promise.race against a failure promise, the waiter is
   * removed once `promise` settles, so a long read does not keep every row it ever waited for.
   */
  race<T>(promise: Promise<T>): Promise<T>;
  close(): void;
}

/**
 * Counts what an unzipper entry (a PassThrough the inflater writes into) receives, whatever reads
 * it and however it decodes it.
 */
function countUnpacked(entry: Transform, add: (bytes: number) => void): void {
  const transform = entry._transform;
  entry._transform = function (chunk: Buffer, encoding: BufferEncoding, callback: TransformCallback) {
    add(chunk.length);
    transform.call(this, chunk, encoding, callback);
  };
}

/** An entry of the file, and the name the reader is to see it under. */
export interface ZipPart {
  entry: ZipEntry;
  as: string;
}

/**
 * A zip of just these parts, in this order, for exceljs's streaming reader.
 *
 * exceljs pipes its input into an unzipper and, when the unzipper fails inside an entry (corrupt
 * deflate data), keeps waiting for that entry to end, which it never does. So the unzipper's
 * errors are caught where exceljs attaches it, and a read error of the file ends nothing by
 * itself either (pipe() does not pass errors on).
 *
 * With maxUncompressedBytes, the bytes unpacked are counted too: the directory's sizes, checked
 * before, can lie.
 */
export function openZipInput(path: string, parts: readonly ZipPart[], limits: { maxUncompressedBytes?: number } = {}): ZipInput {
  const file = Readable.from(partsAlone(path, parts));
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
    destination.on('data', (entry: Transform) => {
      if (maxUncompressedBytes !== undefined) countUnpacked(entry, add);
      // exceljs decodes each piece of a part on its own, which garbles a character cut in two between pieces;
      // text decoded by the entry itself reaches it whole.
      entry.setEncoding('utf8');
    });
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
const END_SIGNATURE = 0x06054b50;
const END_RECORD_SIZE = 22;
/** Bit 3: sizes and checksum follow the data instead of the header. The header written here always has them. */
const DATA_DESCRIPTOR_FLAG = 0x0008;
const ZIP64_EXTRA_ID = 0x0001;
const ZIP64_VERSION = 45;

/** The header an entry is read by: the directory's sizes and checksum, under the name given; sizes past 32 bits in a ZIP64 extra field. */
function localHeader({ entry, as }: ZipPart): Buffer {
  const { local } = entry;
  const name = Buffer.from(as, 'utf8');
  const zip64 = entry.compressedSize >= 0xffffffff || entry.uncompressedSize >= 0xffffffff;
  const extra = Buffer.alloc(zip64 ? 20 : 0);
  if (zip64) {
    extra.writeUInt16LE(ZIP64_EXTRA_ID, 0);
    extra.writeUInt16LE(16, 2);
    extra.writeBigUInt64LE(BigInt(entry.uncompressedSize), 4);
    extra.writeBigUInt64LE(BigInt(entry.compressedSize), 12);
  }
  const header = Buffer.alloc(LOCAL_HEADER_SIZE);
  header.writeUInt32LE(LOCAL_SIGNATURE, 0);
  header.writeUInt16LE(zip64 ? Math.max(local.versionNeeded, ZIP64_VERSION) : local.versionNeeded, 4);
  header.writeUInt16LE(local.flags & ~DATA_DESCRIPTOR_FLAG, 6);
  header.writeUInt16LE(local.method, 8);
  header.writeUInt16LE(local.time, 10);
  header.writeUInt16LE(local.date, 12);
  header.writeUInt32LE(local.crc32, 14);
  header.writeUInt32LE(zip64 ? 0xffffffff : entry.compressedSize, 18);
  header.writeUInt32LE(zip64 ? 0xffffffff : entry.uncompressedSize, 22);
  header.writeUInt16LE(name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, name, extra]);
}

/**
 * A zip stream of just these parts: each a local header of its own, then the entry's compressed bytes, read straight
 * from where the directory says. Lets a reader that streams through the whole archive see only the parts it needs,
 * under the names it looks for, without unpacking any other.
 */
async function* partsAlone(path: string, parts: readonly ZipPart[]): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    for (const part of parts) {
      const { entry } = part;
      const dataAt = await entryDataOffset(handle, entry);
      yield localHeader(part);
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

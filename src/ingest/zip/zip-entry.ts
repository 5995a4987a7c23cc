// Reads one zip entry where the directory says it is: where its data starts, and a small entry's text whole.

import type { FileHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { ZipEntry } from './zip-directory.ts';

const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_HEADER_SIZE = 30;
export const STORED = 0;
const DEFLATED = 8;

/** Parts are stored or deflated; any other method fails the read. */
export function assertReadableMethod(entry: ZipEntry): void {
  const { method } = entry.local;
  if (method !== STORED && method !== DEFLATED) {
    throw new Error(`the part "${entry.name}" is packed in a way zip readers rarely support (method ${method})`);
  }
}

const inflateRaw = promisify(zlib.inflateRaw);

/** The local header's name and extra field may differ in length from the directory's, so its own lengths are read. */
export async function entryDataOffset(handle: FileHandle, entry: ZipEntry): Promise<number> {
  const header = Buffer.alloc(LOCAL_HEADER_SIZE);
  const { bytesRead } = await handle.read(header, 0, LOCAL_HEADER_SIZE, entry.local.offset);
  // The unzipper's own words for it, so that the failure reads like any other damaged zip.
  if (bytesRead < LOCAL_HEADER_SIZE || header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new Error('invalid signature: local header');
  return entry.local.offset + LOCAL_HEADER_SIZE + header.readUInt16LE(26) + header.readUInt16LE(28);
}

/**
 * A small entry's content as UTF-8 text, for the parts read before any streaming (the package's relationships).
 * Never more than the directory says it unpacks to, nor than `maxBytes`.
 */
export async function readEntryText(handle: FileHandle, entry: ZipEntry, maxBytes: number): Promise<string> {
  if (entry.uncompressedSize > maxBytes || entry.compressedSize > maxBytes) {
    throw new Error(`the part "${entry.name}" is ${entry.uncompressedSize} bytes long, more than such a part ever is`);
  }
  const data = Buffer.alloc(entry.compressedSize);
  const { bytesRead } = await handle.read(data, 0, data.length, await entryDataOffset(handle, entry));
  if (bytesRead < data.length) throw new Error('FILE_ENDED');
  assertReadableMethod(entry);
  if (entry.local.method === STORED) return data.toString('utf8');
  return (await inflateRaw(data, { maxOutputLength: Math.max(entry.uncompressedSize, 1) })).toString('utf8');
}

// Streams one zip entry's text, unpacked as it is read, and reads a small one whole.

import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { ZipArchive, ZipEntry } from './zip-archive.ts';
import { zipFailure } from './zip-failure.ts';

/**
 * Bytes decoded at a time. A piece of text lives until its reader is done with it (a sheet's rows scanned, mapped and
 * validated), and the reading thread's young generation is small (block-reader.ts): pieces of 64K characters, as
 * parts come unpacked, lived through its collections and waited in the old generation as garbage.
 */
const TEXT_BYTES = 8 * 1024;

/**
 * The entry's content as UTF-8 text, in pieces of about TEXT_BYTES that never cut a character in two. `unpacked` is
 * told every unpacked piece's size before it is decoded and may throw to stop. A damaged or truncated part fails as
 * file_unreadable, one that unpacks to more than the directory says as file_too_large; stopping early lets go of the
 * part.
 */
export async function* partText(archive: ZipArchive, entry: ZipEntry, unpacked: (bytes: number) => void): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let stream: Readable | undefined;
  try {
    stream = await archive.openEntry(entry);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      unpacked(chunk.length);
      for (let at = 0; at < chunk.length; at += TEXT_BYTES) yield decoder.write(chunk.subarray(at, at + TEXT_BYTES));
    }
    const rest = decoder.end();
    if (rest) yield rest;
  } catch (error) {
    throw zipFailure(error, entry);
  } finally {
    stream?.destroy();
  }
}

/**
 * A small entry's content as UTF-8 text, for the parts read before any streaming (the package's relationships).
 * Never more than `maxBytes`.
 */
export async function readPartText(archive: ZipArchive, entry: ZipEntry, maxBytes: number): Promise<string> {
  if (entry.uncompressedSize > maxBytes) {
    throw new Error(`the part "${entry.name}" is ${entry.uncompressedSize} bytes long, more than such a part ever is`);
  }
  // No more than the directory says, which yauzl holds the part to.
  let text = '';
  for await (const piece of partText(archive, entry, () => {})) text += piece;
  return text;
}

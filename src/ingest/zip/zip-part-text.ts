// Streams one zip entry's text, read where the directory says it is and unpacked as it is read.

import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import type { ZipEntry } from './zip-directory.ts';
import { assertReadableMethod, entryDataOffset, STORED } from './zip-entry.ts';

const READ_BYTES = 64 * 1024;

/**
 * The entry's content as UTF-8 text, in pieces that never cut a character in two. `unpacked` is told every piece's
 * size before it is decoded and may throw to stop (the directory's sizes, checked before, can lie). A file that ends
 * before the entry does fails with FILE_ENDED, corrupt data with zlib's error (a Z_ code); stopping early closes the
 * file.
 */
export async function* partText(path: string, entry: ZipEntry, unpacked: (bytes: number) => void): AsyncGenerator<string> {
  assertReadableMethod(entry);
  const handle = await open(path, 'r');
  const decoder = new StringDecoder('utf8');
  let source: Readable | undefined;
  let inflater: zlib.InflateRaw | undefined;
  try {
    const dataAt = await entryDataOffset(handle, entry);
    async function* packed(): AsyncGenerator<Buffer> {
      for (let at = 0; at < entry.compressedSize;) {
        const chunk = Buffer.allocUnsafe(Math.min(READ_BYTES, entry.compressedSize - at));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, dataAt + at);
        if (bytesRead === 0) throw new Error('FILE_ENDED');
        at += bytesRead;
        yield bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead);
      }
    }
    if (entry.local.method === STORED) {
      for await (const chunk of packed()) {
        unpacked(chunk.length);
        yield decoder.write(chunk);
      }
    } else {
      source = Readable.from(packed(), { objectMode: false });
      inflater = zlib.createInflateRaw({ chunkSize: READ_BYTES });
      // Either side's failure destroys the inflater with it, which ends the loop below with that error.
      pipeline(source, inflater).catch(() => {});
      for await (const chunk of inflater as AsyncIterable<Buffer>) {
        unpacked(chunk.length);
        yield decoder.write(chunk);
      }
    }
    const rest = decoder.end();
    if (rest) yield rest;
  } finally {
    inflater?.destroy();
    source?.destroy();
    await handle.close();
  }
}

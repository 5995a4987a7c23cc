// Unpacks a deflated zip entry from its packed bytes, in pieces as large as the text scanning reads best, held to the
// size its directory gives.

import { pipeline, type Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { AppError } from '../../errors.ts';
import type { ZipEntry } from './zip-archive.ts';
import { describeBytes } from './zip-limits.ts';

/**
 * zlib's default output piece is 16 KiB; each piece is a round trip to the thread pool and a step of every stream
 * after it, which on sheet XML costs more than the inflating.
 */
const PIECE_BYTES = 64 * 1024;

/** Fails the stream as soon as the bytes pass the size the directory gives, and at the end if they fall short of it. */
function heldToSize(entry: ZipEntry): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > entry.uncompressedSize) {
        // The directory's sizes are what the limits were checked against: a part that unpacks to more is refused.
        done(new AppError(400, 'file_too_large',
          `The XLSX file's part "${entry.name}" unpacks to more than the ${describeBytes(entry.uncompressedSize)} its zip directory says`));
      } else {
        done(null, chunk);
      }
    },
    flush(done) {
      done(seen < entry.uncompressedSize
        ? new AppError(400, 'file_unreadable', `The XLSX file is damaged: its part "${entry.name}" unpacks to less than its zip directory says`)
        : null);
    },
  });
}

/** The entry's unpacked bytes; destroying the stream returned destroys `packed` with it, as does any failure. */
export function inflateEntry(packed: Readable, entry: ZipEntry): Readable {
  // Failures reach the reader of the last stream; nothing else is to be done with them here.
  return pipeline(packed, zlib.createInflateRaw({ chunkSize: PIECE_BYTES }), heldToSize(entry), () => {});
}

// yauzl's and zlib's refusals of a zip, told in terms an uploader can act on: truncated, damaged, or packed oddly.

import { AppError } from '../../errors.ts';
import { isSystemError } from '../system-error.ts';
import type { ZipEntry } from './zip-archive.ts';

const unreadable = (problem: string, cause: unknown) => new AppError(400, 'file_unreadable', `The XLSX file ${problem}`, { cause });

/**
 * yauzl fails with plain errors whose message says what is wrong: those are matched here, in one place, and nowhere
 * else. `entry` is the part being unpacked, when the failure came while reading one. A read error of the disk, or an
 * AppError, is returned as it is.
 */
export function zipFailure(error: unknown, entry?: ZipEntry): unknown {
  if (error instanceof AppError || isSystemError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const part = entry ? `its part "${entry.name}"` : 'a part';
  if (typeof code === 'string' && code.startsWith('Z_')) return unreadable('is damaged: its compressed data is corrupt', error);
  if (message.startsWith('End of central directory record signature not found')) {
    return unreadable('is incomplete or damaged: its zip directory is missing (was the upload cut short?)', error);
  }
  if (message === 'unexpected EOF' || message.startsWith('file data overflows file bounds')) {
    return unreadable('is truncated: it ends before all of its parts', error);
  }
  if (message.startsWith('unsupported compression method')) {
    return unreadable(`could not be read: ${part} is packed in a way zip readers rarely support (${message.slice('unsupported '.length)})`, error);
  }
  if (message.startsWith('Invalid comment length')) {
    // The end record must end the file, as its comment length says: bytes appended after it are not looked past.
    return unreadable('is damaged: it has bytes after the end of its zip directory', error);
  }
  if (/^invalid .*signature/.test(message)) return unreadable('is damaged: it holds invalid zip data', error);
  return unreadable(`could not be read: ${message}`, error);
}

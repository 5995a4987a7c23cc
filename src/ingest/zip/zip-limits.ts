// Refuses zip bombs: XLSX files whose parts unpack to far more than any spreadsheet needs, or that list more parts
// than any workbook has.

import { AppError } from '../../errors.ts';
import type { ZipEntry } from './zip-archive.ts';

/** What the parts of one XLSX file may unpack to in all; a million-row sheet is a few hundred MiB. */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 2 * 1024 ** 3;
/**
 * A workbook has a few parts per sheet, plus its pictures: some dozens, a few thousand for the largest. A directory
 * listing far more is read no further, as each entry listed costs memory before any is unpacked.
 */
export const MAX_ENTRIES = 20_000;
/**
 * Sheet XML compresses well, often 10 to 30 times, rarely past 100; a large part packed past 200
 * times is a repeated byte, not data. Small parts may compress as they like.
 */
const SUSPECT_ENTRY_BYTES = 100 * 1024 ** 2;
const MAX_RATIO = 200;

export function describeBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** `total` is unknown when unpacking was stopped at the limit. */
export const unpacksTooLarge = (maxUncompressedBytes: number, total?: number) =>
  new AppError(400, 'file_too_large', total === undefined
    ? `The XLSX file unpacks to more than the ${describeBytes(maxUncompressedBytes)} allowed (more than its zip directory says)`
    : `The XLSX file unpacks to ${describeBytes(total)}, more than the ${describeBytes(maxUncompressedBytes)} allowed`);

/** Throws file_too_large for a directory that lists more entries than a workbook has, before they are read. */
export function checkEntryCount(count: number): void {
  if (count > MAX_ENTRIES) {
    throw new AppError(400, 'file_too_large', `The XLSX file's zip lists ${count} parts, more than the ${MAX_ENTRIES} any workbook has`);
  }
}

/** Throws file_too_large when the directory promises more than the limit, or a part that can only be a bomb. */
export function checkZipSizes(entries: readonly ZipEntry[], maxUncompressedBytes: number): void {
  let total = 0;
  for (const entry of entries) {
    const { uncompressedSize, compressedSize } = entry;
    if (uncompressedSize > SUSPECT_ENTRY_BYTES && uncompressedSize > compressedSize * MAX_RATIO) {
      const ratio = compressedSize === 0 ? 'from nothing' : `${Math.round(uncompressedSize / compressedSize)} times its packed size of ${describeBytes(compressedSize)}`;
      throw new AppError(400, 'file_too_large',
        `The XLSX file's part "${entry.name}" unpacks to ${describeBytes(uncompressedSize)}, ${ratio}: refused as a zip bomb`);
    }
    total += uncompressedSize;
  }
  if (total > maxUncompressedBytes) throw unpacksTooLarge(maxUncompressedBytes, total);
}

/**
 * Counts what one read of a file unpacks, across its parts, and fails it once that passes the limit. Each part
 * unpacks to no more than the directory says, but a part may be read more than once (sheets that share one part).
 */
export function unpackedCounter(maxUncompressedBytes: number): (bytes: number) => void {
  let unpacked = 0;
  return (bytes) => {
    unpacked += bytes;
    if (unpacked > maxUncompressedBytes) throw unpacksTooLarge(maxUncompressedBytes);
  };
}

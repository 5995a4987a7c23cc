// Reads a zip file's central directory, to know what its entries unpack to before unpacking any of them.

import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../errors.ts';

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** Where the entry's local header is and what it should say, to read the entry alone. */
  local: { offset: number; crc32: number; flags: number; method: number; versionNeeded: number; time: number; date: number };
}

/** End-of-central-directory record: the last thing a complete zip file holds, within its last 64 KiB + 22 bytes. */
const EOCD_SIGNATURE = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const EOCD_SEARCH_BYTES = 65_557;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_HEADER_SIZE = 46;
const ZIP64_EXTRA_ID = 0x0001;
/** An XLSX directory is a few KiB; one this large is not a spreadsheet, and reading it whole would cost its size. */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

const damaged = (problem: string) => new AppError(400, 'file_unreadable', `The XLSX file is damaged: ${problem}`);

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const { bytesRead } = await handle.read(buffer, read, length - read, position + read);
    if (bytesRead === 0) throw damaged('its zip directory points past the end of the file');
    read += bytesRead;
  }
  return buffer;
}

const uint64 = (buffer: Buffer, offset: number) => Number(buffer.readBigUInt64LE(offset));

/**
 * Sizes and an offset a 32-bit field cannot hold are in the ZIP64 extra field, in this order, each present only
 * when its field says 0xffffffff. Some writers use it for small entries too.
 */
function zip64Fields(extra: Buffer, fields: { uncompressedSize: number; compressedSize: number; offset: number }): void {
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA_ID) {
      let field = at + 4;
      const fieldsEnd = Math.min(at + 4 + size, extra.length);
      for (const name of ['uncompressedSize', 'compressedSize', 'offset'] as const) {
        if (fields[name] !== 0xffffffff || field + 8 > fieldsEnd) continue;
        fields[name] = uint64(extra, field);
        field += 8;
      }
      return;
    }
    at += 4 + size;
  }
}

/** Where the directory is and how long, from the end record (and its ZIP64 version for large files). */
async function locateDirectory(handle: FileHandle, size: number): Promise<{ offset: number; length: number } | null> {
  const tailLength = Math.min(size, EOCD_SEARCH_BYTES);
  const tail = await readAt(handle, size - tailLength, tailLength);
  const end = tail.lastIndexOf(EOCD_SIGNATURE);
  if (end === -1 || end + EOCD_SIZE > tail.length) return null;
  let length = tail.readUInt32LE(end + 12);
  let offset = tail.readUInt32LE(end + 16);
  if (length === 0xffffffff || offset === 0xffffffff || tail.readUInt16LE(end + 10) === 0xffff) {
    const locatorAt = size - tailLength + end - ZIP64_LOCATOR_SIZE;
    if (locatorAt < 0) throw damaged('its ZIP64 directory is missing');
    const locator = await readAt(handle, locatorAt, ZIP64_LOCATOR_SIZE);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE) throw damaged('its ZIP64 directory is missing');
    const record = await readAt(handle, uint64(locator, 8), 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) throw damaged('its ZIP64 directory is missing');
    length = uint64(record, 40);
    offset = uint64(record, 48);
  }
  return { offset, length };
}

/** The entries as the directory lists them; null when the file has no directory (a zip cut short loses it first). */
export async function readZipDirectory(path: string): Promise<ZipEntry[] | null> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const location = await locateDirectory(handle, size);
    if (!location) return null;
    if (location.length > MAX_DIRECTORY_BYTES) throw damaged(`its zip directory is ${location.length} bytes long, far more than a workbook has`);
    if (location.offset + location.length > size) throw damaged('its zip directory points past the end of the file');
    const directory = await readAt(handle, location.offset, location.length);
    const entries: ZipEntry[] = [];
    for (let at = 0; at + CENTRAL_HEADER_SIZE <= directory.length;) {
      if (directory.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw damaged('its zip directory is corrupt');
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const nameAt = at + CENTRAL_HEADER_SIZE;
      const fields = { compressedSize: directory.readUInt32LE(at + 20), uncompressedSize: directory.readUInt32LE(at + 24), offset: directory.readUInt32LE(at + 42) };
      zip64Fields(directory.subarray(nameAt + nameLength, nameAt + nameLength + extraLength), fields);
      const name = directory.toString('utf8', nameAt, nameAt + nameLength);
      if (fields.offset === 0xffffffff) throw damaged(`its zip directory does not say where "${name}" is`);
      entries.push({
        name, compressedSize: fields.compressedSize, uncompressedSize: fields.uncompressedSize,
        local: {
          offset: fields.offset, crc32: directory.readUInt32LE(at + 16), flags: directory.readUInt16LE(at + 8), method: directory.readUInt16LE(at + 10),
          versionNeeded: directory.readUInt16LE(at + 6), time: directory.readUInt16LE(at + 12), date: directory.readUInt16LE(at + 14),
        },
      });
      at = nameAt + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

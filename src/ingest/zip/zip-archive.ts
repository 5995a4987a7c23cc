// An XLSX file's zip opened on yauzl: its entries as the central directory lists them, each unpacked on its own.

import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { zipFailure } from './zip-failure.ts';
import { inflateEntry } from './zip-inflate.ts';
import { checkEntryCount } from './zip-limits.ts';

const DEFLATED = 8;

export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
}

export interface ZipArchive {
  /** In the directory's order. */
  readonly entries: readonly ZipEntry[];
  /**
   * The entry's unpacked bytes. The stream fails once they pass the size the directory gives, or when they end short
   * of it, so the directory's sizes, checked against the limits, hold.
   */
  openEntry(entry: ZipEntry): Promise<Readable>;
  /** The file is closed once every stream opened has ended or been destroyed. */
  close(): void;
}

/**
 * Opens the zip and reads its directory. Failures reject as file_unreadable or file_too_large (a directory listing
 * more entries than a workbook has, read no further), a read error of the disk as it is.
 */
export async function openZipArchive(path: string): Promise<ZipArchive> {
  let zipfile: yauzl.ZipFile;
  try {
    // autoClose off: the entries are read first and unpacked after, while the file stays open.
    zipfile = await yauzl.openPromise(path, { autoClose: false, lazyEntries: true, validateEntrySizes: true });
  } catch (error) {
    throw zipFailure(error);
  }
  // Closing the file is the only failure left once the entries are read; the read itself is done by then.
  zipfile.on('error', () => {});
  try {
    checkEntryCount(zipfile.entryCount);
    const sources = new Map<ZipEntry, yauzl.Entry>();
    for await (const source of zipfile.eachEntry()) {
      sources.set({ name: source.fileName, compressedSize: source.compressedSize, uncompressedSize: source.uncompressedSize }, source);
    }
    return {
      entries: [...sources.keys()],
      async openEntry(entry) {
        const source = sources.get(entry);
        if (!source) throw new Error(`"${entry.name}" is not an entry of this zip`);
        try {
          // yauzl finds the data and keeps to its bounds; a deflated part is inflated here, in larger pieces than
          // yauzl's. Stored parts, and what yauzl does not unpack (other methods, encryption), are its own to refuse.
          if (source.compressionMethod !== DEFLATED || source.isEncrypted()) return await zipfile.openReadStreamPromise(source);
          return inflateEntry(await zipfile.openReadStreamPromise(source, { decodeFileData: false }), entry);
        } catch (error) {
          throw zipFailure(error, entry);
        }
      },
      close: () => zipfile.close(),
    };
  } catch (error) {
    zipfile.close();
    throw zipFailure(error);
  }
}

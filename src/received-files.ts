// Where a received file waits until it has been read: on the disk of the process that received it, and on a
// shared PostgreSQL server also in the database, so that any process can read it, map it or take over its ingest.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Db } from './store/db.ts';
import { deleteFileParts, fileParts, insertFileParts } from './store/file-parts-queries.ts';
import { UploadStatus } from './domain/states.ts';
import { insertUpload, statusesAmong, type NewUpload } from './store/uploads-queries.ts';

/** A file with no upload row may belong to an import still being received by another process; after this, it does not. */
const ORPHAN_AGE_MS = 60 * 60 * 1000;
const WAITING: string[] = [UploadStatus.mapping, UploadStatus.ingesting];

export interface ReceivedFiles {
  /** Where an incoming file is written. */
  pathFor(uploadId: string): string;
  /** Records the upload and, on a shared database, the file's bytes with it, in one transaction. */
  keep(upload: NewUpload, path: string): Promise<void>;
  /** A local copy of the upload's file: the one received here, or else one fetched from the database. */
  open(uploadId: string): Promise<string>;
  /** The file has been read into records: it is needed nowhere any more. */
  release(uploadId: string): Promise<void>;
  /**
   * Removes local files no upload waits for (a kill can come between the end of ingest and the removal); how
   * many. On the embedded store, only safe before the API accepts imports.
   */
  sweep(): Promise<number>;
}

export function createReceivedFiles(db: Db, dataDir: string, shared: boolean): ReceivedFiles {
  const dir = join(dataDir, 'uploads');
  const pathFor = (uploadId: string) => join(dir, uploadId);
  const exists = (path: string) => stat(path).then(() => true, () => false);

  return {
    pathFor,
    async keep(upload, path) {
      if (!shared) return insertUpload(db, upload);
      await db.transaction(async (tx) => {
        await insertUpload(tx as unknown as Db, upload);
        await insertFileParts(tx as unknown as Db, upload.id!, path);
      });
    },
    async open(uploadId) {
      const path = pathFor(uploadId);
      if (!shared || (await exists(path))) return path;
      // Fetched under a name of its own and renamed: two requests fetching at once never see half a file.
      await mkdir(dir, { recursive: true });
      const partial = `${path}.${randomUUID()}.partial`;
      try {
        await pipeline(Readable.from(fileParts(db, uploadId)), createWriteStream(partial));
        await rename(partial, path);
      } finally {
        await rm(partial, { force: true });
      }
      return path;
    },
    async release(uploadId) {
      if (shared) await deleteFileParts(db, uploadId);
      await rm(pathFor(uploadId), { force: true });
    },
    async sweep() {
      const names = await readdir(dir).catch(() => [] as string[]);
      if (names.length === 0) return 0;
      const statuses = await statusesAmong(db, names.map((name) => name.split('.')[0]));
      const stale: string[] = [];
      for (const name of names) {
        const status = statuses.get(name.split('.')[0]);
        const waiting = status !== undefined && WAITING.includes(status);
        if (waiting && !name.endsWith('.partial')) continue;
        if (shared && (status === undefined || waiting)) {
          // Maybe another process's, sharing this directory: an import being received, a copy being fetched.
          const age = await stat(join(dir, name)).then((s) => Date.now() - s.mtimeMs, () => 0);
          if (age < ORPHAN_AGE_MS) continue;
        }
        stale.push(name);
      }
      await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })));
      return stale.length;
    },
  };
}

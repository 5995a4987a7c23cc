// Received files kept in the database, in parts, for processes that share a PostgreSQL server.
import { createReadStream } from 'node:fs';
import { sql } from 'drizzle-orm';
import { rows, type Db } from './db.ts';

/** One part per round trip: large enough for few of them, small enough to stay out of the way in memory. */
export const FILE_PART_BYTES = 1024 * 1024;

/** Copies the file at `path` into the database, inside the caller's transaction. */
export async function insertFileParts(tx: Db, uploadId: string, path: string): Promise<void> {
  let part = 0;
  for await (const bytes of createReadStream(path, { highWaterMark: FILE_PART_BYTES })) {
    await tx.execute(sql`INSERT INTO upload_file_parts (upload_id, part, bytes) VALUES (${uploadId}, ${part++}, ${bytes as Buffer})`);
  }
}

/** The file's parts in order, one at a time; nothing when the database holds no file for the upload. */
export async function* fileParts(db: Db, uploadId: string): AsyncGenerator<Buffer> {
  for (let part = 0; ; part++) {
    const [found] = await rows<{ bytes: Buffer }>(db, sql`
      SELECT bytes FROM upload_file_parts WHERE upload_id = ${uploadId} AND part = ${part}`);
    if (!found) return;
    yield Buffer.from(found.bytes);
  }
}

export async function deleteFileParts(db: Db, uploadId: string): Promise<void> {
  await db.execute(sql`DELETE FROM upload_file_parts WHERE upload_id = ${uploadId}`);
}

// Projects and their API keys: the default project, and finding the project an API key belongs to.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from './db.ts';
import { apiKeys, projects } from './schema.ts';

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function ensureDefaultProject(db: Db): Promise<string> {
  await db.insert(projects).values({ name: 'Default', isDefault: true }).onConflictDoNothing();
  const [row] = await db.select({ id: projects.id }).from(projects).where(eq(projects.isDefault, true));
  return row.id;
}

/** Registers a key for a project; true when it was not known before. */
export async function addApiKey(db: Db, projectId: string, key: string): Promise<boolean> {
  const inserted = await db.insert(apiKeys).values({ projectId, keyHash: hashApiKey(key) })
    .onConflictDoNothing().returning({ id: apiKeys.id });
  return inserted.length > 0;
}

export async function countApiKeys(db: Db, projectId: string): Promise<number> {
  return (await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.projectId, projectId))).length;
}

export async function findProjectByApiKey(db: Db, key: string): Promise<string | undefined> {
  const [row] = await db.select({ projectId: apiKeys.projectId }).from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(key)));
  return row?.projectId;
}

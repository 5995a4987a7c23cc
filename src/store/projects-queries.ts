// Projects and their API keys: the default project, finding the key a request carries, listing and revoking keys.
import { createHash } from 'node:crypto';
import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { apiKeys, projects } from './schema.ts';

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function ensureDefaultProject(db: Db): Promise<string> {
  await db.insert(projects).values({ name: 'Default', isDefault: true }).onConflictDoNothing();
  const [row] = await db.select({ id: projects.id }).from(projects).where(eq(projects.isDefault, true));
  return row.id;
}

export interface ApiKeyRow {
  id: string;
  prefix: string | null;
  name: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

const keyColumns = {
  id: apiKeys.id, prefix: apiKeys.prefix, name: apiKeys.name, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt,
};

/** Registers a key for a project; its row when it was not known before, undefined when it was. */
export async function addApiKey(
  db: Db, projectId: string, key: string, details: { prefix?: string | null; name?: string | null } = {},
): Promise<ApiKeyRow | undefined> {
  const [row] = await db.insert(apiKeys)
    .values({ projectId, keyHash: hashApiKey(key), prefix: details.prefix ?? null, name: details.name ?? null })
    .onConflictDoNothing().returning(keyColumns);
  return row;
}

export async function countApiKeys(db: Db, projectId: string): Promise<number> {
  return (await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.projectId, projectId))).length;
}

export async function listApiKeys(db: Db, projectId: string): Promise<ApiKeyRow[]> {
  return db.select(keyColumns).from(apiKeys).where(eq(apiKeys.projectId, projectId)).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
}

export async function findApiKey(db: Db, keyHash: string): Promise<{ id: string; projectId: string; lastUsedAt: Date | null } | undefined> {
  const [row] = await db.select({ id: apiKeys.id, projectId: apiKeys.projectId, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys).where(eq(apiKeys.keyHash, keyHash));
  return row;
}

/** Records a use of the key, unless one was recorded in the last minute (by this process or another). */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
}

export type RevokeOutcome = 'revoked' | 'not_found' | 'last_key';

/**
 * Deletes a key of the project unless it is the project's last: nobody could then use the API. The project row is
 * locked so that two requests revoking the last two keys at once cannot both succeed.
 */
export async function revokeApiKey(db: Db, projectId: string, id: string): Promise<RevokeOutcome> {
  return db.transaction(async (tx) => {
    await tx.select({ id: projects.id }).from(projects).where(eq(projects.id, projectId)).for('update');
    const keys = await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.projectId, projectId));
    if (!keys.some((k) => k.id === id)) return 'not_found';
    if (keys.length === 1) return 'last_key';
    await tx.delete(apiKeys).where(and(eq(apiKeys.id, id), eq(apiKeys.projectId, projectId)));
    return 'revoked';
  });
}

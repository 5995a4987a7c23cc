// Import sessions: made by a host backend, found by their token's hash, revoked; and which session made an upload.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { importSessions, templates, uploads } from './schema.ts';

export type SessionRow = typeof importSessions.$inferSelect;
export type NewSession = Omit<typeof importSessions.$inferInsert, 'id' | 'createdAt' | 'revokedAt' | 'expiresAt'> & { lifetimeSeconds: number };

export async function insertSession(db: Db, { lifetimeSeconds, ...session }: NewSession): Promise<SessionRow> {
  // Its end by the database's clock, which also decides when it has passed.
  const expiresAt = sql`now() + ${lifetimeSeconds} * interval '1 second'`;
  const [row] = await db.insert(importSessions).values({ ...session, expiresAt }).returning();
  return row;
}

/** The session a token names, with its template's code, and whether it has expired by the database's clock. */
export async function findSessionByToken(db: Db, tokenHash: string) {
  const [row] = await db.select({
    session: importSessions,
    templateCode: templates.code,
    expired: sql<boolean>`${importSessions.expiresAt} <= now()`,
  }).from(importSessions)
    .leftJoin(templates, eq(templates.id, importSessions.templateId))
    .where(eq(importSessions.tokenHash, tokenHash));
  return row;
}

export async function findSession(db: Db, projectId: string, id: string) {
  const [row] = await db.select({ session: importSessions, templateCode: templates.code, expired: sql<boolean>`${importSessions.expiresAt} <= now()` })
    .from(importSessions)
    .leftJoin(templates, eq(templates.id, importSessions.templateId))
    .where(and(eq(importSessions.projectId, projectId), eq(importSessions.id, id)));
  return row;
}

/** Revokes a session of the project; false when there is none. Revoking one revoked already changes nothing. */
export async function revokeSession(db: Db, projectId: string, id: string): Promise<boolean> {
  const [found] = await db.select({ id: importSessions.id }).from(importSessions)
    .where(and(eq(importSessions.projectId, projectId), eq(importSessions.id, id)));
  if (!found) return false;
  await db.update(importSessions).set({ revokedAt: sql`now()` })
    .where(and(eq(importSessions.id, id), isNull(importSessions.revokedAt)));
  return true;
}

/** Which session made an upload of the project: undefined when there is no such upload, null when an API key made it. */
export async function sessionOfUpload(db: Db, projectId: string, uploadId: string): Promise<string | null | undefined> {
  const [row] = await db.select({ sessionId: uploads.sessionId }).from(uploads)
    .where(and(eq(uploads.projectId, projectId), eq(uploads.id, uploadId)));
  return row ? row.sessionId : undefined;
}

/** The most data rows the session of an upload allows it; undefined when it has no session or no such limit. */
export async function sessionRowLimit(db: Db, sessionId: string | null): Promise<number | undefined> {
  if (!sessionId) return undefined;
  const [row] = await db.select({ maxRecords: importSessions.maxRecords }).from(importSessions).where(eq(importSessions.id, sessionId));
  return row?.maxRecords ?? undefined;
}

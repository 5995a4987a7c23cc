// Console sessions: started with an API key, found by their cookie token's hash, kept alive by use, ended.
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Db } from './db.ts';
import { apiKeys, consoleSessions } from './schema.ts';

/** A session as a request finds it, its two ends judged by the database's clock. */
export interface ConsoleSessionFound {
  id: string;
  apiKeyId: string;
  apiKeyPrefix: string | null;
  projectId: string;
  lastSeenAt: Date;
  expiresAt: Date;
  /** When it ends unless used before: its idle time after its last recorded use, never after `expiresAt`. */
  idleExpiresAt: Date;
  expired: boolean;
}

const ms = (value: number) => sql`${value} * interval '1 millisecond'`;

/** The columns of a found session; `idleMs` is the service's idle time, applied to the session's last recorded use. */
function sessionColumns(idleMs: number) {
  const idleEnd = sql`least(${consoleSessions.lastSeenAt} + ${ms(idleMs)}, ${consoleSessions.expiresAt})`;
  return {
    id: consoleSessions.id,
    apiKeyId: consoleSessions.apiKeyId,
    apiKeyPrefix: apiKeys.prefix,
    projectId: consoleSessions.projectId,
    lastSeenAt: consoleSessions.lastSeenAt,
    expiresAt: consoleSessions.expiresAt,
    idleExpiresAt: sql<Date>`${idleEnd}`.mapWith(consoleSessions.expiresAt),
    expired: sql<boolean>`${idleEnd} <= now()`,
  };
}

/**
 * Starts a session for an API key, ending `maxMs` from now by the database's clock. Sessions of every project that
 * have ended are deleted on the way: nothing else would, and a sign-in is rare enough to carry it.
 */
export async function insertConsoleSession(
  db: Db, session: { tokenHash: string; apiKeyId: string; projectId: string }, lifetime: { idleMs: number; maxMs: number },
): Promise<ConsoleSessionFound | undefined> {
  await db.delete(consoleSessions).where(or(
    lt(consoleSessions.expiresAt, sql`now()`),
    lt(consoleSessions.lastSeenAt, sql`now() - ${ms(lifetime.idleMs)}`),
  ));
  await db.insert(consoleSessions).values({ ...session, expiresAt: sql`now() + ${ms(lifetime.maxMs)}` });
  const found = await findConsoleSession(db, session.tokenHash, lifetime.idleMs);
  // Only a key revoked in between could make it vanish; the caller answers that as a key not valid.
  return found;
}

/** The session a cookie's token names, with its key's prefix; undefined when there is none (or its key was revoked). */
export async function findConsoleSession(db: Db, tokenHash: string, idleMs: number): Promise<ConsoleSessionFound | undefined> {
  const [row] = await db.select(sessionColumns(idleMs)).from(consoleSessions)
    .innerJoin(apiKeys, eq(apiKeys.id, consoleSessions.apiKeyId))
    .where(eq(consoleSessions.tokenHash, tokenHash));
  return row;
}

/**
 * Records a use of the session unless one was recorded less than `intervalMs` ago (by this process or another); the
 * new last use when it was recorded.
 */
export async function touchConsoleSession(db: Db, id: string, intervalMs: number): Promise<Date | undefined> {
  const [row] = await db.update(consoleSessions).set({ lastSeenAt: sql`now()` })
    .where(and(eq(consoleSessions.id, id), lt(consoleSessions.lastSeenAt, sql`now() - ${ms(intervalMs)}`)))
    .returning({ lastSeenAt: consoleSessions.lastSeenAt });
  return row?.lastSeenAt;
}

/** Ends a session; its id, or undefined when there was none. */
export async function deleteConsoleSession(db: Db, tokenHash: string): Promise<string | undefined> {
  const [row] = await db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash)).returning({ id: consoleSessions.id });
  return row?.id;
}

// Finds the project of the API key a request carries, with a short cache so that most requests cost no query.
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppError } from '../../errors.ts';
import type { Db } from '../../store/db.ts';
import { findApiKey, hashApiKey, touchApiKey } from '../../store/projects-queries.ts';

/**
 * How long a key found valid is believed without asking the database again. A key revoked through this process stops
 * working here at once; other processes sharing a PostgreSQL database notice within this time.
 */
export const KEY_CACHE_TTL_MS = 5_000;
/** `lastUsedAt` is written at most this often per key, not on every request. */
export const LAST_USED_INTERVAL_MS = 60_000;

interface Known {
  keyId: string;
  projectId: string;
  /** Date.now() when the database last said the key is valid, and when its use was last recorded. */
  checkedAt: number;
  touchedAt: number;
}

export interface KeyAuth {
  /** The onRequest hook of the /v1 routes: sets req.projectId, or answers 401. */
  authenticate(req: FastifyRequest): Promise<void>;
  /** Forgets a revoked key, so that it fails from the next request on. */
  forget(keyId: string): void;
}

export function createKeyAuth(db: Db, log: Logger): KeyAuth {
  // Keyed by the key's hash: the keys themselves are not kept in memory longer than a request.
  const known = new Map<string, Known>();

  const lookUp = async (hash: string, now: number): Promise<Known | undefined> => {
    const cached = known.get(hash);
    if (cached && now - cached.checkedAt < KEY_CACHE_TTL_MS) return cached;
    const row = await findApiKey(db, hash);
    if (!row) {
      known.delete(hash);
      return undefined;
    }
    const entry: Known = {
      keyId: row.id, projectId: row.projectId, checkedAt: now, touchedAt: cached?.touchedAt ?? row.lastUsedAt?.getTime() ?? 0,
    };
    known.set(hash, entry);
    return entry;
  };

  return {
    async authenticate(req) {
      if (!req.url.startsWith('/v1/')) return;
      const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
      if (!match) throw new AppError(401, 'unauthorized', 'send the API key as "Authorization: Bearer <key>"');
      const now = Date.now();
      const entry = await lookUp(hashApiKey(match[1]), now);
      if (!entry) throw new AppError(401, 'unauthorized', 'the API key is not valid');
      if (now - entry.touchedAt >= LAST_USED_INTERVAL_MS) {
        entry.touchedAt = now;
        // A lost write only makes lastUsedAt older: the request goes on.
        await touchApiKey(db, entry.keyId).catch((err) => log.warn({ err }, 'could not record when an API key was used'));
      }
      req.projectId = entry.projectId;
    },
    forget(keyId) {
      for (const [hash, entry] of known) if (entry.keyId === keyId) known.delete(hash);
    },
  };
}

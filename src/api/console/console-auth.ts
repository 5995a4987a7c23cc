// Authenticates a request by its console cookie: refuses what a page of another site could have made the browser send,
// finds the session and its project, and keeps the session alive while it is used.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { AppError } from '../../errors.ts';
import type { Db } from '../../store/db.ts';
import {
  deleteConsoleSession, findConsoleSession, touchConsoleSession, type ConsoleSessionFound,
} from '../../store/console-sessions-queries.ts';
import { hashApiKey, touchApiKey } from '../../store/projects-queries.ts';
import { clearConsoleCookie, consoleToken } from './console-cookie.ts';
import { isSameOrigin } from '../requests/same-origin.ts';

/** A session's last use is written at most this often (more often only when its idle time is shorter than two of these). */
export const LAST_SEEN_INTERVAL_MS = 60_000;

/** Methods that change something: a browser sends Origin or Sec-Fetch-Site with each, so one without both is no page's. */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Sec-Fetch-Site values of a request the service's own pages made, or a person typed. */
const OWN_SITE = new Set(['same-origin', 'none']);

const crossSite = (detail: string) => new AppError(403, 'cross_site', detail);

/**
 * Refuses a request that a page of another origin made: by what the browser says (Sec-Fetch-Site, Origin). With the
 * cookie, a request that changes something must say where it comes from: browsers always do, so one that does not
 * is no browser's page, or a browser too old for the console.
 */
export function refuseCrossSite(req: FastifyRequest, withCookie: boolean): void {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if (site !== undefined && !OWN_SITE.has(site.toLowerCase())) {
    throw crossSite(`the console session is for the service's own pages only; this request is ${site} (Sec-Fetch-Site)`);
  }
  if (origin !== undefined && !isSameOrigin(req, origin)) {
    throw crossSite(`the console session is for the service's own pages only; this request comes from ${origin}`);
  }
  if (withCookie && site === undefined && origin === undefined && UNSAFE_METHODS.has(req.method)) {
    throw crossSite(`${req.method} with the console cookie must carry Origin or Sec-Fetch-Site, as browsers send them; ` +
      'a client that is not a browser sends "Authorization: Bearer <API key>" instead');
  }
}

export interface ConsoleAuth {
  /** Authenticates a request by its console cookie: sets req.projectId and answers the session, or throws 401 or 403. */
  authenticate(req: FastifyRequest, reply: FastifyReply): Promise<ConsoleSessionFound>;
}

export function createConsoleAuth(db: Db, config: Pick<Config, 'console'>, log: Logger): ConsoleAuth {
  const { idleMs } = config.console;
  // Written before half the idle time has passed: a session in use never ends for idleness.
  const touchEveryMs = Math.min(LAST_SEEN_INTERVAL_MS, idleMs / 2);

  return {
    async authenticate(req, reply) {
      const token = consoleToken(req);
      refuseCrossSite(req, token !== undefined);
      if (!token) {
        throw new AppError(401, 'unauthorized', 'sign in to the console (POST /v1/console/sessions) or send "Authorization: Bearer <key>"');
      }
      const hash = hashApiKey(token);
      const found = await findConsoleSession(db, hash, idleMs);
      if (!found) {
        // Unknown, signed out, or its API key revoked (its sessions went with it).
        clearConsoleCookie(req, reply);
        throw new AppError(401, 'unauthorized', 'this console session is not valid; sign in again');
      }
      if (found.expired) {
        clearConsoleCookie(req, reply);
        await deleteConsoleSession(db, hash);
        throw new AppError(401, 'session_expired', `this console session ended at ${found.idleExpiresAt.toISOString()}; sign in again`);
      }
      if (Date.now() - found.lastSeenAt.getTime() >= touchEveryMs) {
        // A lost write only makes the session end sooner: the request goes on.
        try {
          const seen = await touchConsoleSession(db, found.id, touchEveryMs);
          if (seen) {
            found.lastSeenAt = seen;
            found.idleExpiresAt = new Date(Math.min(seen.getTime() + idleMs, found.expiresAt.getTime()));
            await touchApiKey(db, found.apiKeyId);
          }
        } catch (err) {
          log.warn({ err }, 'could not record when a console session was used');
        }
      }
      req.projectId = found.projectId;
      return found;
    },
  };
}

// Authenticates an import session token (`ist_...`): its state, the origin of a browser's request, and the routes and
// uploads it may reach. Everything else a request carries is an API key, left to key-auth.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';
import type { Db } from '../../store/db.ts';
import { hashApiKey } from '../../store/projects-queries.ts';
import { findSessionByToken, sessionOfUpload } from '../../store/sessions-queries.ts';
import { isSameOrigin } from '../requests/same-origin.ts';
import { SESSION_ROUTES } from './session-routes.ts';

/** What a request made with a session token may use of its session. */
export interface SessionAccess {
  id: string;
  templateId: string | null;
  templateCode: string | null;
  /** Sealed; opened only by delivery. */
  authHeaderValue: string | null;
  extraJson: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const forbidden = (detail: string) => new AppError(403, 'forbidden_for_session', detail);

export async function authenticateSession(db: Db, req: FastifyRequest, reply: FastifyReply, token: string): Promise<void> {
  // The same hash as API keys: the token itself is never stored or logged.
  const found = await findSessionByToken(db, hashApiKey(token));
  if (!found) throw new AppError(401, 'unauthorized', 'the import session token is not valid');
  const { session } = found;

  allowOrigin(req, reply, session.allowedOrigins);
  if (session.revokedAt) throw new AppError(401, 'session_revoked', 'this import session was ended by the application; start the import again from it');
  if (found.expired) {
    throw new AppError(401, 'session_expired', `this import session expired at ${session.expiresAt.toISOString()}; start the import again from the application`);
  }

  const route = `${req.method} ${req.routeOptions.url ?? ''}`;
  const scope = SESSION_ROUTES[route];
  const path = req.url.split('?')[0];
  if (!scope) throw forbidden(`${req.method} ${path} is not open to an import session token: it may only upload, review and confirm its own imports`);
  if (scope === 'template' && (req.params as { code?: string }).code !== found.templateCode) {
    throw forbidden(`this import session is for template "${found.templateCode}" only`);
  }
  if (scope === 'upload') {
    const { uploadId } = req.params as { uploadId?: string };
    // A malformed or unknown id is left to the route, which answers 400 or 404 as it does for an API key.
    const owner = uploadId && UUID.test(uploadId) ? await sessionOfUpload(db, session.projectId, uploadId) : undefined;
    if (owner !== undefined && owner !== session.id) throw forbidden(`upload ${uploadId} was not made by this import session`);
  }

  req.projectId = session.projectId;
  req.importSession = {
    id: session.id, templateId: session.templateId, templateCode: found.templateCode,
    authHeaderValue: session.authHeaderValue, extraJson: session.extraJson,
  };
}

/**
 * A page calling the API from another origin with a session token is let read the answer when its origin is one the
 * session allows (any, when it names none). The widget's own calls are same-origin and need no header.
 */
function allowOrigin(req: FastifyRequest, reply: FastifyReply, allowed: string[] | null): void {
  const origin = req.headers.origin;
  if (!origin || isSameOrigin(req, origin)) return;
  reply.header('vary', 'Origin');
  if (allowed && !allowed.includes(origin)) {
    throw new AppError(403, 'origin_not_allowed', `origin ${origin} is not among this import session's allowedOrigins`);
  }
  reply.header('access-control-allow-origin', origin);
}

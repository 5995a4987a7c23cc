// Console sessions: a browser signs in with an API key once and then holds only an HttpOnly cookie, which acts as the
// key on every API-key route (console-auth.ts); signed out, or ended by idleness, age or the key's revocation.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { generateConsoleToken } from '../../api-key.ts';
import { AppError } from '../../errors.ts';
import { deleteConsoleSession, insertConsoleSession, type ConsoleSessionFound } from '../../store/console-sessions-queries.ts';
import { findApiKey, hashApiKey, touchApiKey } from '../../store/projects-queries.ts';
import { refuseCrossSite, type ConsoleAuth } from './console-auth.ts';
import { clearConsoleCookie, consoleToken, setConsoleCookie } from './console-cookie.ts';
import { ConsoleSession, errorAnswer, noContent } from '../answer-schemas.ts';
import type { ApiDeps } from '../http.ts';
import { ConsoleSignIn } from '../schemas.ts';

/** These routes are about the cookie itself: they authenticate by it alone (or, to sign in, by the key in the body). */
export const CONSOLE_SESSION_ROUTES = new Set(['/v1/console/sessions', '/v1/console/sessions/current']);

const tags = ['Console'];
const crossSite = errorAnswer('A request another site could have made: `cross_site`');

export function consoleSessionRoutes(app: FastifyInstance, deps: ApiDeps, consoleAuth: ConsoleAuth): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/v1/console/sessions', {
    schema: {
      tags, operationId: 'signInToConsole', summary: 'Sign in with an API key: the answer sets the session cookie',
      body: ConsoleSignIn,
      response: { 201: ConsoleSession, 401: errorAnswer('The API key is not valid: `unauthorized`'), 403: crossSite },
    },
  }, async (req, reply) => {
    // No cookie yet, and any client may sign in; a page of another site may not sign a browser in to its own key.
    refuseCrossSite(req, false);
    const key = await findApiKey(deps.db, hashApiKey(req.body.apiKey));
    const token = generateConsoleToken();
    const session = key && await insertConsoleSession(deps.db, {
      tokenHash: hashApiKey(token), apiKeyId: key.id, projectId: key.projectId,
    }, deps.config.console);
    if (!key || !session) throw new AppError(401, 'unauthorized', 'the API key is not valid');
    await touchApiKey(deps.db, key.id);
    req.log.info({ consoleSessionId: session.id, apiKeyId: key.id }, 'console session started');
    setConsoleCookie(req, reply, token);
    return reply.code(201).send(present(session));
  });

  r.get('/v1/console/sessions/current', {
    schema: {
      tags, operationId: 'getConsoleSession', summary: 'The console session of the cookie',
      response: { 200: ConsoleSession, 401: errorAnswer('No session, or it ended: `unauthorized`, `session_expired`'), 403: crossSite },
    },
  }, async (req, reply) => present(await consoleAuth.authenticate(req, reply)));

  // Signing out always succeeds, so a page whose session has already ended can still clear its cookie.
  r.delete('/v1/console/sessions/current', {
    schema: { tags, operationId: 'signOutOfConsole', summary: 'Sign out: the session ends and its cookie is cleared', response: { 204: noContent('Signed out'), 403: crossSite } },
  }, async (req, reply) => {
    const token = consoleToken(req);
    refuseCrossSite(req, token !== undefined);
    const ended = token ? await deleteConsoleSession(deps.db, hashApiKey(token)) : undefined;
    if (ended) req.log.info({ consoleSessionId: ended }, 'console session ended');
    clearConsoleCookie(req, reply);
    return reply.code(204).send();
  });
}

function present(session: ConsoleSessionFound) {
  return {
    expiresAt: session.expiresAt.toISOString(),
    idleExpiresAt: session.idleExpiresAt.toISOString(),
    apiKey: { id: session.apiKeyId, prefix: session.apiKeyPrefix },
  };
}

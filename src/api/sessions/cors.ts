// CORS preflights of the API: a host page may call /v1 with an import session token from its own origin.
import type { FastifyInstance } from 'fastify';
import { noContent } from '../answer-schemas.ts';

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type';
/** How long a browser may keep a preflight's answer: it says nothing about any one session. */
const MAX_AGE_SECONDS = 600;

/**
 * A preflight carries no credentials, so it cannot be told which session it is for: it is answered for any origin,
 * and the request that follows is checked against its session's `allowedOrigins` (session-auth.ts). An API key has
 * no use in a browser, and its requests get no CORS headers at all.
 */
export function answerPreflights(app: FastifyInstance): void {
  app.options('/v1/*', {
    schema: {
      tags: ['Import sessions'], operationId: 'corsPreflight',
      summary: 'CORS preflight of a browser calling the API with an import session token from another origin',
      response: { 204: noContent('Allowed methods and headers, for the Origin the request names') },
    },
  }, async (req, reply) => {
    const origin = req.headers.origin;
    if (origin) {
      reply.header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', String(MAX_AGE_SECONDS));
    }
    return reply.header('vary', 'Origin').code(204).send();
  });
}

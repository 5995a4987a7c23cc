// The HTTP service: fastify with the API's routes, authentication and one mapping of errors to responses.
import { randomUUID } from 'node:crypto';
import Fastify, {
  LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest,
} from 'fastify';
import multipart from '@fastify/multipart';
import type { ErrorObject } from 'ajv';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { SESSION_TOKEN_PREFIX } from '../api-key.ts';
import type { ReceivedFiles } from '../received-files.ts';
import { AppError } from '../errors.ts';
import type { AddressGuard } from '../delivery/address-guard.ts';
import type { WebhookClient } from '../delivery/webhook-client.ts';
import type { Metrics } from '../metrics.ts';
import type { SecretBox } from '../secret-box.ts';
import type { Db } from '../store/db.ts';
import { apiKeyRoutes } from './keys/api-keys.ts';
import { mediaTypeAdvice, useBodyParsers } from './requests/body-parsers.ts';
import { destinationTestRoutes } from './templates/destination-test.ts';
import { destinationRoutes } from './templates/destinations.ts';
import { importRoutes } from './uploads/imports.ts';
import { answerPreflights } from './sessions/cors.ts';
import { createConsoleAuth, type ConsoleAuth } from './console/console-auth.ts';
import { consoleToken } from './console/console-cookie.ts';
import { CONSOLE_SESSION_ROUTES, consoleSessionRoutes } from './console/console-sessions.ts';
import { ERROR_BODY_SCHEMA, Health } from './answer-schemas.ts';
import { importSessionRoutes } from './sessions/import-sessions.ts';
import { createKeyAuth, type KeyAuth } from './keys/key-auth.ts';
import { useApiReference } from './reference/openapi.ts';
import { describeRequestErrors } from './requests/request-errors.ts';
import { useRequestValidation } from './requests/request-validation.ts';
import { authenticateSession, type SessionAccess } from './sessions/session-auth.ts';
import { statsRoutes } from './stats.ts';
import { templateRoutes } from './templates/templates.ts';
import { uploadFlowRoutes } from './uploads/upload-flow.ts';
import { uploadRoutes } from './uploads/uploads.ts';
import { webAssetRoutes } from './web/web-assets.ts';

export interface ApiDeps {
  config: Config;
  db: Db;
  log: Logger;
  secrets: SecretBox;
  guard: AddressGuard;
  /** The delivery workers' webhook client: a test send goes out exactly as a delivery does. */
  client: WebhookClient;
  metrics: Metrics;
  files: ReceivedFiles;
  /** Called once queued work is committed: wakes the workers of this process and, on PostgreSQL, of every other. */
  ingest: { wake(): void };
  delivery: { wake(): void };
}

declare module 'fastify' {
  interface FastifyRequest {
    projectId: string;
    /** Set when the request carries an import session token rather than an API key. */
    importSession: SessionAccess | null;
  }
}

/**
 * `serveApi` false is a worker process: it answers /health and /metrics for its orchestrator, and the /v1 routes
 * are not there at all (404), so a load balancer that sends it API traffic by mistake is told so at once.
 */
export async function buildHttp(deps: ApiDeps, options: { serveApi: boolean }): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    // A caller's X-Request-Id ties our log lines to theirs; it is echoed back on every response.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new RequestLogController(),
    bodyLimit: 10 * 1024 * 1024,
  });
  useRequestValidation(app);
  useBodyParsers(app);
  app.addSchema(ERROR_BODY_SCHEMA);
  app.decorateRequest('projectId', '');
  app.decorateRequest('importSession', null);
  app.addHook('onSend', async (req, reply) => { reply.header('x-request-id', req.id); });

  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) return reply.code(err.httpStatus).send({ code: err.code, detail: err.message });
    const { validation, validationContext } = err as FastifyError;
    if (validation) {
      const part = validationContext ?? 'request';
      const detail = part === 'body' && req.body === undefined
        ? 'body: a JSON object is required (with "Content-Type: application/json")'
        : describeRequestErrors(validation as ErrorObject[], part);
      return reply.code(400).send({ code: 'invalid_request', detail });
    }
    if ((err as FastifyError).code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({ code: 'unsupported_media_type', detail: mediaTypeAdvice(req) });
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status < 500) return reply.code(status).send({ code: publicCode(err as FastifyError), detail: err.message });
    if (req.raw.socket?.destroyed) {
      // The connection closed before the request ended (the client went away, or a stop cut it): nothing failed here,
      // and no answer can reach anyone.
      req.log.info({ url: req.url, error: err.message }, 'request ended: its connection closed first');
      return reply.code(400).send();
    }
    req.log.error({ err, url: req.url }, 'request failed');
    return reply.code(500).send({ code: 'internal_error', detail: 'internal error; the service log has the details' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ code: 'not_found', detail: `no route ${req.method} ${req.url.split('?')[0]}` }));

  // The reference documents the API: a worker, which serves none of it, serves no reference either.
  if (options.serveApi) await useApiReference(app);
  app.get('/health', {
    schema: { tags: ['Operational'], operationId: 'health', summary: 'Whether the service is ready, and its role', response: { 200: Health } },
  }, async () => ({ status: 'ok', role: deps.config.role }));
  app.get('/metrics', {
    schema: {
      tags: ['Operational'], operationId: 'metrics', summary: 'Prometheus metrics',
      response: { 200: { description: 'Metrics in the Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  }, async (_req, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  if (!options.serveApi) return app;

  await webAssetRoutes(app, deps.config.webDir);
  await app.register(multipart);
  const auth = createKeyAuth(deps.db, deps.log);
  const consoleAuth = createConsoleAuth(deps.db, deps.config, deps.log);
  app.addHook('onRequest', authenticator(deps, auth, consoleAuth));
  answerPreflights(app);

  templateRoutes(app, deps);
  destinationRoutes(app, deps);
  destinationTestRoutes(app, deps);
  importRoutes(app, deps);
  uploadRoutes(app, deps);
  uploadFlowRoutes(app, deps);
  apiKeyRoutes(app, deps, auth);
  importSessionRoutes(app, deps);
  consoleSessionRoutes(app, deps, consoleAuth);
  statsRoutes(app, deps);
  return app;
}

/**
 * A `/v1` request carries an import session token (`ist_...`) or an API key, or else the console's cookie, which acts
 * as the key it was signed in with; a preflight carries none. An Authorization header wins over the cookie. The
 * console's session routes authenticate themselves.
 */
function authenticator(deps: ApiDeps, auth: KeyAuth, consoleAuth: ConsoleAuth) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.method === 'OPTIONS' || !req.url.startsWith('/v1/')) return;
    if (CONSOLE_SESSION_ROUTES.has(req.routeOptions.url ?? '')) return;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    if (token?.startsWith(SESSION_TOKEN_PREFIX)) return authenticateSession(deps.db, req, reply, token);
    if (req.headers.authorization === undefined && consoleToken(req) !== undefined) {
      await consoleAuth.authenticate(req, reply);
      return;
    }
    return auth.authenticate(req);
  };
}

/** Paths an orchestrator or a scraper asks for every few seconds: their requests are logged at debug, not info. */
const PROBES = new Set(['/health', '/metrics']);
const isProbe = (req: FastifyRequest) => PROBES.has(req.url.split('?')[0]);

/**
 * Fastify's request lines, one at info per API request: its end, with the method, path and status (the line of its
 * start is at debug, as are both lines of /health and /metrics, which at info would drown the rest).
 */
class RequestLogController extends LogController {
  incomingRequest(req: FastifyRequest): void {
    req.log.debug({ req }, 'incoming request');
  }

  requestCompleted(err: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    if (err) return super.requestCompleted(err, req, reply);
    const line = { req, res: reply, responseTime: reply.elapsedTime };
    if (isProbe(req)) reply.log.debug(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}

const PUBLIC_CODES: Record<string, string> = {
  FST_REQ_FILE_TOO_LARGE: 'file_too_large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'multipart_required',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
};

function publicCode(err: FastifyError): string {
  return PUBLIC_CODES[err.code] ?? 'bad_request';
}

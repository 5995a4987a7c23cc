// A template's webhook destination: where its imports are delivered, in what chunks, with what retries and flow control, signed with what secret;
// paused and resumed.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, badRequest, notFound } from '../../errors.ts';
import { BlockedAddressError } from '../../delivery/address-guard.ts';
import { generateSigningSecret } from '../../delivery/signer.ts';
import {
  deleteDestination, findDestination, rotateSigningSecret, setDestinationPaused, upsertDestination, type DestinationRow,
} from '../../store/templates-queries.ts';
import type { ApiDeps } from '../http.ts';
import { CodeParams, DestinationBody, RotateSecretBody, SECRET_GRACE_SECONDS, WEBHOOK_LIMITS } from '../schemas.ts';
import { requireTemplate } from './templates.ts';
import { DestinationSaved, DestinationView, errorAnswer, noContent, SecretRotated } from '../answer-schemas.ts';

/** Headers sheethook sets itself; an auth header of the same name would break the request or its signature. */
const RESERVED_HEADERS = new Set([
  'content-type', 'content-length', 'host', 'connection', 'transfer-encoding', 'user-agent', 'expect', 'upgrade',
  'keep-alive', 'te', 'trailer', 'webhook-id', 'webhook-timestamp', 'webhook-signature',
]);
const HEADER_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const tags = ['Destinations'];
const noTemplate = errorAnswer('No template with this code: `not_found`');
const noDestination = errorAnswer('No template with this code, or it has no destination: `not_found`');

export function destinationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const path = '/v1/templates/:code/destination';

  r.put(path, {
    schema: {
      tags, operationId: 'putDestination', summary: 'Create or replace a template\'s webhook destination', params: CodeParams, body: DestinationBody,
      response: {
        200: DestinationSaved,
        400: errorAnswer('The request is refused: `invalid_request` names the field; `destination_address_blocked` for a callbackUrl on an address not allowed'),
        404: noTemplate,
      },
    },
  }, async (req) => {
    const template = await requireTemplate(deps, req.projectId, req.params.code);
    const w = req.body.webhook;
    const warnings = await checkCallbackUrl(deps, w.callbackUrl);
    const authHeaderName = w.authHeaderName?.trim() || null;
    if (authHeaderName) checkHeaderName(authHeaderName);
    const secret = generateSigningSecret();
    const { row, secretMade } = await upsertDestination(deps.db, template.id, {
      callbackUrl: w.callbackUrl,
      chunkSize: w.chunkSize ?? WEBHOOK_LIMITS.chunkSize.default,
      authHeaderName,
      retryCount: w.retryCount ?? WEBHOOK_LIMITS.retryCount.default,
      retryIntervalMs: w.retryInterval ?? WEBHOOK_LIMITS.retryInterval.default,
      retryBackoff: w.retryBackoff ?? 'fixed',
      timeoutMs: w.timeoutMs ?? WEBHOOK_LIMITS.timeoutMs.default,
      concurrency: w.concurrency ?? WEBHOOK_LIMITS.concurrency.default,
      maxRequestsPerSecond: w.maxRequestsPerSecond ?? WEBHOOK_LIMITS.maxRequestsPerSecond.default,
    }, deps.secrets.seal(secret));
    // The secret is shown in the answer that made it, and never again.
    return { ...present(row), ...(secretMade ? { signingSecret: secret } : {}), ...(warnings.length > 0 ? { warnings } : {}) };
  });

  r.post(`${path}/rotate-secret`, {
    schema: {
      tags, operationId: 'rotateSigningSecret', summary: 'Make a new signing secret; the old one keeps signing for `graceSeconds`',
      params: CodeParams, body: RotateSecretBody, response: { 200: SecretRotated, 404: noDestination },
    },
  }, async (req) => {
    const template = await requireTemplate(deps, req.projectId, req.params.code);
    const graceSeconds = req.body?.graceSeconds ?? SECRET_GRACE_SECONDS.default;
    const secret = generateSigningSecret();
    const rotated = await rotateSigningSecret(deps.db, template.id, deps.secrets.seal(secret), graceSeconds);
    if (!rotated) throw notFound(`destination of template "${req.params.code}"`);
    return { signingSecret: secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null };
  });

  r.get(path, {
    schema: { tags, operationId: 'getDestination', summary: 'Read a template\'s destination', params: CodeParams, response: { 200: DestinationView, 404: noDestination } },
  }, async (req) => {
    const template = await requireTemplate(deps, req.projectId, req.params.code);
    const row = await findDestination(deps.db, template.id);
    if (!row) throw notFound(`destination of template "${req.params.code}"`);
    return present(row);
  });

  // Pages of uploads to a paused destination wait in the queue, untried; on resume the workers of every process are
  // woken to send them, in page order.
  for (const action of ['pause', 'resume'] as const) {
    r.post(`${path}/${action}`, {
      schema: {
        tags, operationId: `${action}Destination`,
        summary: action === 'pause' ? 'Pause a destination: its pages wait, untried, until it is resumed' : 'Resume a paused destination: its waiting pages go out in order',
        params: CodeParams, response: { 200: DestinationView, 404: noDestination },
      },
    }, async (req) => {
      const template = await requireTemplate(deps, req.projectId, req.params.code);
      const row = await setDestinationPaused(deps.db, template.id, action === 'pause');
      if (!row) throw notFound(`destination of template "${req.params.code}"`);
      req.log.info({ template: template.code }, action === 'pause' ? 'destination paused' : 'destination resumed');
      if (action === 'resume') deps.delivery.wake();
      return present(row);
    });
  }

  r.delete(path, {
    schema: {
      tags, operationId: 'deleteDestination', summary: 'Delete a template\'s destination', params: CodeParams,
      response: { 204: noContent('Deleted'), 404: noDestination },
    },
  }, async (req, reply) => {
    const template = await requireTemplate(deps, req.projectId, req.params.code);
    if (!(await deleteDestination(deps.db, template.id))) throw notFound(`destination of template "${req.params.code}"`);
    return reply.code(204).send();
  });
}

/**
 * Refuses a URL that is not http(s), and a host that is or resolves to an address not allowed. A host that does not
 * resolve (yet: its DNS record may come later) is saved with a warning: every request checks the address it connects
 * to anyway, so nothing is sent anywhere unchecked.
 */
async function checkCallbackUrl(deps: ApiDeps, raw: string): Promise<string[]> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('invalid_request', `webhook/callbackUrl: "${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badRequest('invalid_request', 'webhook/callbackUrl: only http and https URLs can receive webhooks');
  }
  try {
    await deps.guard.check(url.hostname);
  } catch (err) {
    if (err instanceof BlockedAddressError) throw new AppError(400, 'destination_address_blocked', `webhook/callbackUrl: ${err.message}`);
    return [`callbackUrl: host "${url.hostname}" does not resolve yet; it is checked again when a page is sent`];
  }
  return [];
}

function checkHeaderName(name: string): void {
  if (!HEADER_TOKEN.test(name)) throw badRequest('invalid_request', `webhook/authHeaderName: "${name}" is not a valid HTTP header name`);
  if (RESERVED_HEADERS.has(name.toLowerCase())) {
    throw badRequest('invalid_request', `webhook/authHeaderName: "${name}" is set by sheethook itself; choose another header`);
  }
}

function present(row: DestinationRow) {
  return {
    webhook: {
      callbackUrl: row.callbackUrl,
      chunkSize: row.chunkSize,
      authHeaderName: row.authHeaderName,
      retryCount: row.retryCount,
      retryInterval: row.retryIntervalMs,
      retryBackoff: row.retryBackoff,
      timeoutMs: row.timeoutMs,
      concurrency: row.concurrency,
      maxRequestsPerSecond: row.maxRequestsPerSecond,
    },
    paused: row.pausedAt !== null,
    pausedAt: row.pausedAt?.toISOString() ?? null,
  };
}

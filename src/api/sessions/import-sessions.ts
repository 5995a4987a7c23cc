// Import sessions: a host backend starts one for a person, whose browser then holds only a short-lived token.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, badRequest, conflict, notFound } from '../../errors.ts';
import { extraToJson } from '../../delivery/payload.ts';
import type { Column } from '../../domain/column.ts';
import { hashApiKey } from '../../store/projects-queries.ts';
import { findSession, insertSession, revokeSession, type SessionRow } from '../../store/sessions-queries.ts';
import { findDestination, findTemplateById, type TemplateRow } from '../../store/templates-queries.ts';
import type { ApiDeps } from '../http.ts';
import { generateSessionToken } from '../../api-key.ts';
import type { SessionAccess } from './session-auth.ts';
import { SessionCreate, SessionParams } from '../schemas.ts';
import { requireTemplate } from '../templates/templates.ts';
import { CurrentSession, errorAnswer, noContent, SessionMade, SessionView } from '../answer-schemas.ts';

const tags = ['Import sessions'];
const noSession = errorAnswer('No import session with this id: `not_found`');

/** As much as a multipart field of an import may hold. */
const MAX_EXTRA_BYTES = 1024 * 1024;

export function importSessionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.post('/v1/import-sessions', {
    schema: {
      tags, operationId: 'createImportSession', summary: 'Start one person\'s import: a token for their browser, the secrets kept here',
      body: SessionCreate,
      response: {
        201: SessionMade,
        404: errorAnswer('No template with this code: `not_found`'),
        409: errorAnswer('The template has no destination: `destination_missing`'),
      },
    },
  }, async (req, reply) => {
    const body = req.body;
    const allowedOrigins = body.allowedOrigins?.map((origin, i) => checkOrigin(origin, i)) ?? null;
    const extraJson = typeof body.extra === 'string' ? extraToJson(body.extra) : JSON.stringify(body.extra ?? null);
    if (Buffer.byteLength(extraJson) > MAX_EXTRA_BYTES) throw badRequest('invalid_request', `extra: longer than ${MAX_EXTRA_BYTES} bytes as JSON`);
    const template = await requireTemplate(deps, req.projectId, body.template);
    if (!(await findDestination(deps.db, template.id))) {
      throw conflict('destination_missing', `template "${template.code}" has no webhook destination: PUT /v1/templates/${template.code}/destination first`);
    }
    const token = generateSessionToken();
    const session = await insertSession(deps.db, {
      projectId: req.projectId,
      templateId: template.id,
      tokenHash: hashApiKey(token),
      authHeaderValue: body.authHeaderValue ? deps.secrets.seal(body.authHeaderValue) : null,
      extraJson,
      user: body.user ?? null,
      allowedOrigins,
      maxRecords: body.maxRecords ?? null,
      lifetimeSeconds: body.expiresInSeconds,
    });
    req.log.info({ sessionId: session.id, template: template.code }, 'import session created');
    return reply.code(201).send({ sessionId: session.id, sessionToken: token, expiresAt: session.expiresAt.toISOString() });
  });

  r.get('/v1/import-sessions/current', {
    schema: {
      tags, operationId: 'getCurrentImportSession', summary: 'The session of the token: its template\'s columns and the limits',
      response: {
        200: CurrentSession,
        403: errorAnswer('Asked with an API key: `session_token_required`; or `origin_not_allowed`'),
        404: errorAnswer('The session\'s template was deleted: `not_found`'),
      },
    },
  }, async (req) => {
    const access = req.importSession;
    if (!access) throw new AppError(403, 'session_token_required', 'this route answers a request made with an import session token (ist_...), not an API key');
    const found = await findSession(deps.db, req.projectId, access.id);
    const template = access.templateId ? await findTemplateById(deps.db, req.projectId, access.templateId) : undefined;
    if (!found || !template) throw notFound('the template of this import session');
    const { session } = found;
    return {
      sessionId: session.id,
      expiresAt: session.expiresAt.toISOString(),
      user: session.user,
      allowedOrigins: session.allowedOrigins,
      template: publicTemplate(template),
      limits: {
        maxFileBytes: deps.config.maxFileBytes,
        maxRecords: Math.min(deps.config.limits.maxRows, session.maxRecords ?? Infinity),
        maxColumns: deps.config.limits.maxColumns,
      },
    };
  });

  r.get('/v1/import-sessions/:sessionId', {
    schema: {
      tags, operationId: 'getImportSession', summary: 'An import session\'s state (never its token or secret)', params: SessionParams,
      response: { 200: SessionView, 404: noSession },
    },
  }, async (req) => {
    const found = await findSession(deps.db, req.projectId, req.params.sessionId);
    if (!found) throw notFound(`import session ${req.params.sessionId}`);
    return present(found.session, found.templateCode, found.expired);
  });

  r.delete('/v1/import-sessions/:sessionId', {
    schema: {
      tags, operationId: 'revokeImportSession', summary: 'End an import session at once (again: 204)', params: SessionParams,
      response: { 204: noContent('Revoked'), 404: noSession },
    },
  }, async (req, reply) => {
    if (!(await revokeSession(deps.db, req.projectId, req.params.sessionId))) throw notFound(`import session ${req.params.sessionId}`);
    req.log.info({ sessionId: req.params.sessionId }, 'import session revoked');
    return reply.code(204).send();
  });
}

/** What an upload of the session takes from it, in place of the fields an API-key upload sends. */
export function sessionUploadFields(access: SessionAccess) {
  return { sessionId: access.id, authHeaderValue: access.authHeaderValue, extraJson: access.extraJson };
}

/** The template of a session's upload: its own, fixed when the session was made; a `template` field may only name it. */
export async function sessionTemplate(deps: ApiDeps, projectId: string, access: SessionAccess, code: string | undefined): Promise<TemplateRow> {
  if (code && code !== access.templateCode) {
    throw new AppError(403, 'forbidden_for_session', `this import session is for template "${access.templateCode}" only`);
  }
  const template = access.templateId ? await findTemplateById(deps.db, projectId, access.templateId) : undefined;
  if (!template) throw notFound('the template of this import session');
  return template;
}

/** An origin exactly as a browser sends it: scheme, host and port when not the default, nothing more. */
function checkOrigin(origin: string, index: number): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {
    // refused below
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
    throw badRequest('invalid_request', `allowedOrigins/${index}: must be an origin such as "https://app.example.com" (scheme, host and port; no path or trailing slash), not "${origin}"`);
  }
  return origin;
}

/** The parts of a template a person importing may see: its columns and their rules; nothing of its destination. */
function publicTemplate(template: TemplateRow) {
  return { code: template.code, name: template.name, columns: template.columns.map(publicColumn) };
}

const COLUMN_FIELDS = [
  'key', 'name', 'type', 'required', 'unique', 'alternateKeys', 'selectValues', 'multiSelect', 'delimiter', 'regex',
  'min', 'max', 'minLength', 'maxLength', 'dateFormats', 'defaultValue',
] as const satisfies readonly (keyof Column)[];

/** The column with only the fields of COLUMN_FIELDS: a Column still, as they include each field a column must have. */
function publicColumn(column: Column): Column {
  const shown: Record<string, unknown> = {};
  for (const field of COLUMN_FIELDS) if (column[field] !== undefined) shown[field] = column[field];
  return shown as unknown as Column;
}

function present(session: SessionRow, templateCode: string | null, expired: boolean) {
  return {
    sessionId: session.id,
    template: templateCode,
    status: session.revokedAt ? 'revoked' : expired ? 'expired' : 'active',
    user: session.user,
    allowedOrigins: session.allowedOrigins,
    maxRecords: session.maxRecords,
    expiresAt: session.expiresAt.toISOString(),
    revokedAt: session.revokedAt?.toISOString() ?? null,
    createdAt: session.createdAt.toISOString(),
  };
}

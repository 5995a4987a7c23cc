// The API reference: an OpenAPI 3.1 document made from the routes' schemas, at /openapi.json, and swagger-ui at /docs.
import { readFileSync } from 'node:fs';
import swagger, { type SwaggerTransform } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { errorAnswer } from '../answer-schemas.ts';
import { DOCS_THEME_CSS } from './docs-theme.ts';
import { SESSION_ROUTES } from '../sessions/session-routes.ts';
import { CONSOLE_SESSION_ROUTES } from '../console/console-sessions.ts';

const VERSION: string = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;

/**
 * swagger-ui is served by the service itself and talks to it alone. Its scripts and styles are files (no inline
 * script or <style>; React sets styles through the DOM, which a CSP does not govern), its icons are data: URLs in
 * its stylesheet, and it fetches the document and "Try it out" requests from this origin.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TAGS = [
  { name: 'Templates', description: 'The columns an import expects, with their validation rules' },
  { name: 'Destinations', description: 'Where a template\'s imports are delivered: the webhook, its chunks, retries, flow control and signing secret' },
  { name: 'Imports', description: 'A server-side import: a file in, its valid rows delivered' },
  { name: 'Interactive import', description: 'The flow the widget drives: upload, map the headings, validate, confirm' },
  { name: 'Records', description: 'An upload\'s records: read, fix, delete, find and replace, download as CSV' },
  { name: 'Uploads', description: 'Uploads\' status, their delivery log, redelivery and cancelling' },
  { name: 'API keys', description: 'The project\'s API keys' },
  { name: 'Import sessions', description: 'A short-lived token for one person\'s import in a browser' },
  { name: 'Console', description: 'The admin console\'s sign-in: an API key exchanged for an HttpOnly session cookie' },
  { name: 'Statistics', description: 'Figures for a dashboard: deliveries and rows over a range' },
  { name: 'Operational', description: 'For orchestrators and metrics scrapers: no credentials' },
];

const DESCRIPTION = `sheethook is a self-hostable spreadsheet importer: a CSV or Excel file goes in, its rows are mapped to a
template's columns and validated, and the valid rows are delivered to your webhook in chunks, signed and retried.

Every \`/v1\` route takes the project's API key (\`Authorization: Bearer sk_...\`); the routes of one person's import
also take an import session token (\`Authorization: Bearer ist_...\`), and the admin console signs in with a key once
(\`POST /v1/console/sessions\`) and then sends the \`sheethook_console\` cookie in its place, from its own origin only.
Request bodies are JSON (files: multipart).
Every error is \`{ "code": "...", "detail": "..." }\` with a 4xx status that names the problem, or a 500.`;

const SECURITY_SCHEMES = {
  apiKey: {
    type: 'http', scheme: 'bearer', bearerFormat: 'sk_...',
    description: 'An API key of the project (`POST /v1/api-keys`, the key printed at first start, or SHEETHOOK_API_KEY). For servers only.',
  },
  importSession: {
    type: 'http', scheme: 'bearer', bearerFormat: 'ist_...',
    description: 'An import session token (`POST /v1/import-sessions`): one person\'s import of one template, in a browser.',
  },
  consoleSession: {
    type: 'apiKey', in: 'cookie', name: 'sheethook_console',
    description: 'The admin console\'s session: an HttpOnly, SameSite=Strict cookie set when a person signs in to the console.',
  },
} as const;

/** The errors the service may answer around any route: who may call it, and what its request may be. */
const COMMON_ERRORS = {
  400: errorAnswer('The request is refused: `invalid_request` names the field at fault and what it must be'),
  401: errorAnswer('No valid credentials: `unauthorized`; for an import session token also `session_expired` or `session_revoked`'),
  403: errorAnswer('The credentials may not do this: `forbidden_for_session` (not a route or an upload of the session), `origin_not_allowed`'),
  413: errorAnswer('Too large: `body_too_large`, `file_too_large`'),
  415: errorAnswer('A body of a type the route does not read: `unsupported_media_type` or `multipart_required` says what to send'),
  500: errorAnswer('The service failed: `internal_error`; the service log has the details'),
};

export async function useApiReference(app: FastifyInstance): Promise<void> {
  // Registered before any route: it learns of routes as they are added.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'sheethook', version: VERSION, description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
      tags: TAGS,
      components: { securitySchemes: SECURITY_SCHEMES },
    },
    transform: documentRoute,
    // A schema fastify knows by its $id (ErrorBody) is named by it in the document's components.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: DOCS_CSP,
    // No deep links: swagger-ui puts each one inside its operation's button, a link in a button (nested-interactive).
    uiConfig: { layout: 'BaseLayout', deepLinking: false, docExpansion: 'list', defaultModelsExpandDepth: -1, syntaxHighlight: { theme: 'obsidian' } },
    uiHooks: {
      onRequest: (_req, reply, done) => {
        reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
        done();
      },
    },
    theme: { title: 'sheethook API reference', css: [{ filename: 'theme.css', content: DOCS_THEME_CSS }] },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}

/**
 * What a route's schema does not say itself, added to its operation: which credentials it takes (the routes an
 * import session token may use are listed once, in session-routes.ts), the errors any route of its kind may answer,
 * and the multipart form of a route that reads a file.
 */
const documentRoute: SwaggerTransform = ({ schema: given, url, route }) => {
  if (given?.hide) return { schema: given, url };
  const schema: FastifySchema = given ?? {};
  const method = [route.method].flat()[0];
  const isApi = url.startsWith('/v1/') && method !== 'OPTIONS';
  const form = route.config?.multipart;
  const errors = {
    ...(schema.params || schema.querystring || schema.body || form ? { 400: COMMON_ERRORS[400] } : {}),
    ...(isApi ? { 401: COMMON_ERRORS[401], 403: COMMON_ERRORS[403] } : {}),
    ...(schema.body || form ? { 413: COMMON_ERRORS[413], 415: COMMON_ERRORS[415] } : {}),
    500: COMMON_ERRORS[500],
  };
  const documented: FastifySchema = {
    ...schema,
    security: isApi ? securityOf(`${method} ${route.url}`) : [],
    ...(form ? { consumes: ['multipart/form-data'], body: form } : {}),
    response: { ...errors, ...(schema.response as object) },
  };
  return { schema: documented, url };
};

/**
 * The API key, or the console's cookie which stands for one; an import session token on the routes listed for it.
 * Signing in to the console takes the key in its body; the console session's own routes take the cookie only.
 */
function securityOf(route: string): Record<string, string[]>[] {
  if (route === 'POST /v1/console/sessions') return [];
  if (CONSOLE_SESSION_ROUTES.has(route.split(' ')[1])) return [{ consoleSession: [] }];
  const scope = SESSION_ROUTES[route];
  if (scope === 'session') return [{ importSession: [] }];
  return scope ? [{ apiKey: [] }, { consoleSession: [] }, { importSession: [] }] : [{ apiKey: [] }, { consoleSession: [] }];
}

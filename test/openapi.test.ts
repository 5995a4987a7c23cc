// The API reference: /openapi.json is a valid OpenAPI 3.1 document of every route the service has (its web files
// aside), with the credentials each takes and its answers, errors included; real answers match the shapes it gives.
import { channel } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { formatParamUrl } from '@fastify/swagger';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildHttp, type ApiDeps } from '../src/api/http.ts';
import { DOCS_CSP } from '../src/api/reference/openapi.ts';
import { SESSION_ROUTES } from '../src/api/sessions/session-routes.ts';
import { createMetrics } from '../src/metrics.ts';
import { standInWebDir } from './support/browser.ts';
import { csv, importForm } from './support/files.ts';
import { API_KEY, callApi, startService, type TestService } from './support/service.ts';

/** What the reference leaves out: files for browsers (the widget, the embed script, the console) and its own pages. */
const HIDDEN = [/^\/widget(\/|$)/, /^\/embed\.js$/, /^\/admin(\/|$)/, /^\/assets\//, /^\/docs(\/|$)/, /^\/openapi\.json$/];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let t: TestService;
let web: ReturnType<typeof standInWebDir>;
/** Every route the service's fastify registered, as `METHOD /url`, seen by an onRoute hook added before the first. */
const registered: string[] = [];
let doc: any;

beforeAll(async () => {
  web = standInWebDir(inject('webDir'));
  // fastify announces each new instance on this channel, before anything is added to it.
  const created = channel('fastify.initialization');
  const watch = ({ fastify }: { fastify: FastifyInstance }) => {
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') registered.push(`${method} ${route.url}`);
    });
  };
  created.subscribe(watch as (message: unknown) => void);
  try {
    t = await startService({ SHEETHOOK_WEB_DIR: web.dir });
  } finally {
    created.unsubscribe(watch as (message: unknown) => void);
  }
  const res = await fetch(`${t.url}/openapi.json`);
  expect(res.status).toBe(200);
  doc = await res.json();
});

afterAll(async () => {
  await t?.stop();
  web?.remove();
});

/** Every operation of the document, as `METHOD /path`. */
function operations(): Map<string, any> {
  const found = new Map<string, any>();
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const method of METHODS) if (item[method]) found.set(`${method.toUpperCase()} ${path}`, item[method]);
  }
  return found;
}

const isHidden = (route: string) => HIDDEN.some((pattern) => pattern.test(route.split(' ')[1]));

/** A request with no body and these credentials: its status, and its error code when it answers one. */
async function ask(method: string, path: string, token: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(t.url + path, { method, headers: { authorization: `Bearer ${token}` } });
  const json = res.headers.get('content-type')?.startsWith('application/json');
  return { status: res.status, code: json ? (await res.json()).code : undefined };
}

describe('the document', () => {
  it('is a valid OpenAPI 3.1 document, answered without credentials, named and versioned as the package', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.openapi).toBe('3.1.0');
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(doc.info).toMatchObject({ title: 'sheethook', version: pkg.version });
    expect(doc.info.description).toContain('Authorization: Bearer sk_');
  });

  it('has every route the service registered, and only those, except its web files and its own pages', () => {
    const hidden = registered.filter(isHidden);
    // The service does have such routes: the comparison below leaves something out.
    expect(hidden).toEqual(expect.arrayContaining(['GET /widget/*', 'GET /embed.js', 'GET /docs', 'GET /openapi.json']));
    const expected = registered.filter((route) => !isHidden(route)).map((route) => {
      const [method, url] = route.split(' ');
      return `${method} ${formatParamUrl(url)}`;
    });
    expect(expected.length).toBeGreaterThan(30);
    expect([...operations().keys()].sort()).toEqual([...new Set(expected)].sort());
  });

  it('gives each operation a tag, a summary, an id, its parameters and its answers, every error as ErrorBody', () => {
    const tags = new Set(doc.tags.map((tag: { name: string }) => tag.name));
    const ids = new Set<string>();
    for (const [route, op] of operations()) {
      expect(op.tags?.length, route).toBe(1);
      expect(tags.has(op.tags[0]), `${route}: tag ${op.tags[0]}`).toBe(true);
      expect(op.summary, route).toBeTruthy();
      expect(ids.has(op.operationId), `${route}: operationId ${op.operationId}`).toBe(false);
      ids.add(op.operationId);
      const inPath = [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect((op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name).sort(), route).toEqual(inPath.sort());
      const statuses = Object.keys(op.responses);
      expect(statuses.filter((s) => s.startsWith('2')), route).toHaveLength(1);
      expect(statuses, route).toContain('500');
      for (const status of statuses.filter((s) => Number(s) >= 400)) {
        expect(op.responses[status].content['application/json'].schema, `${route} ${status}`).toEqual({ $ref: '#/components/schemas/ErrorBody' });
        expect(op.responses[status].description, `${route} ${status}`).not.toBe('Default Response');
      }
      const success = op.responses[statuses.find((s) => s.startsWith('2'))!];
      expect(success.description, route).not.toBe('Default Response');
      if (route.startsWith('POST') || route.startsWith('PUT') || route.startsWith('PATCH')) {
        const noBody = ['validate', 'confirm', 'cancel', 'pause', 'resume'].some((action) => route.endsWith(`/${action}`));
        expect(Boolean(op.requestBody), route).toBe(!noBody);
      }
    }
    expect(doc.components.schemas.ErrorBody).toMatchObject({ required: ['code', 'detail'] });
    // The routes that read a file show their form.
    for (const route of ['POST /v1/imports', 'POST /v1/uploads']) {
      const form = operations().get(route).requestBody.content['multipart/form-data'].schema;
      expect(form.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    }
    expect(operations().get('POST /v1/imports').requestBody.content['multipart/form-data'].schema.required).toEqual(['template', 'file']);
  });

  it('declares the API key, the import session token and the console cookie', () => {
    expect(doc.components.securitySchemes).toEqual({
      apiKey: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      importSession: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      consoleSession: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'sheethook_console' }),
    });
    const ops = operations();
    expect(ops.get('GET /health').security).toEqual([]);
    expect(ops.get('GET /metrics').security).toEqual([]);
    expect(ops.get('GET /v1/import-sessions/current').security).toEqual([{ importSession: [] }]);
    const sessionOps = [...ops].filter(([, op]) => op.security.some((s: object) => 'importSession' in s)).map(([route]) => route);
    expect(sessionOps.sort()).toEqual(Object.keys(SESSION_ROUTES).map((r) => `${r.split(' ')[0]} ${formatParamUrl(r.split(' ')[1])}`).sort());
  });
});

describe('the credentials each operation lists', () => {
  it('are the ones the service takes: an import session token is refused exactly where it is not listed, an API key likewise', async () => {
    const template = await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: [{ key: 'name', name: 'Name' }] });
    expect(template.status).toBe(201);
    await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: 'http://127.0.0.1:9/' } });
    const session = await t.api('POST', '/v1/import-sessions', { template: 'people' });
    expect(session.status).toBe(201);
    // Ids of nothing: no request below changes anything that is there.
    const none = '00000000-0000-4000-8000-000000000000';
    const fill = (path: string, code: string) => path.replace('{code}', code).replace('{*}', 'templates')
      .replace(/\{(uploadId|id|sessionId)\}/, none).replace('{row}', '1');
    for (const [route, op] of operations()) {
      const [method, path] = route.split(' ');
      if (!path.startsWith('/v1/') || method === 'OPTIONS') continue;
      const schemes = op.security.flatMap((s: object) => Object.keys(s));
      // The console's sign-in and session routes take no bearer token at all: checked on their own below.
      if (!schemes.includes('apiKey') && !schemes.includes('importSession')) continue;
      const asSession = await ask(method, fill(path, 'people'), session.body.sessionToken);
      if (schemes.includes('importSession')) expect([401, 403], `${route} with a session token`).not.toContain(asSession.status);
      else expect(asSession, `${route} with a session token`).toEqual({ status: 403, code: 'forbidden_for_session' });
      const withKey = await ask(method, fill(path, 'nothing'), API_KEY);
      if (schemes.includes('apiKey')) expect([401, 403], `${route} with an API key`).not.toContain(withKey.status);
      else expect(withKey, `${route} with an API key`).toEqual({ status: 403, code: 'session_token_required' });
    }
    // The console session's routes: with a bearer key and no cookie there is no session to read.
    expect(operations().get('GET /v1/console/sessions/current').security).toEqual([{ consoleSession: [] }]);
    expect(operations().get('POST /v1/console/sessions').security).toEqual([]);
    expect(await ask('GET', '/v1/console/sessions/current', API_KEY)).toMatchObject({ status: 401 });
    // Every route an API key opens, the console's cookie opens too.
    for (const [route, op] of operations()) {
      const schemes = op.security.flatMap((s: object) => Object.keys(s));
      if (schemes.includes('apiKey')) expect(schemes, route).toContain('consoleSession');
    }
  });
});

describe('real answers', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  formats.default(ajv);

  /** Checks an answer against the schema the document gives the operation for its status. */
  function expectDocumented(route: string, status: number, body: unknown) {
    const op = operations().get(route);
    expect(op, route).toBeDefined();
    const schema = op.responses[String(status)]?.content?.['application/json']?.schema;
    expect(schema, `${route} answers ${status}`).toBeDefined();
    const validate = ajv.compile({ ...schema, components: doc.components });
    const valid = validate(body);
    expect(validate.errors ?? [], `${route} ${status}: ${JSON.stringify(body)}`).toEqual([]);
    expect(valid).toBe(true);
  }

  it('match the shapes the document gives them: a template, an upload\'s mapping, the upload list, errors', async () => {
    const created = await t.api('POST', '/v1/templates', {
      code: 'orders', name: 'Orders',
      columns: [
        { key: 'id', name: 'Order', type: 'integer', required: true, unique: true, min: 1 },
        { key: 'status', name: 'Status', type: 'select', selectValues: ['open', 'paid'], defaultValue: 'open' },
        { key: 'when', name: 'When', type: 'date', dateFormats: ['DD/MM/YYYY'] },
      ],
    });
    expect(created.status).toBe(201);
    expectDocumented('POST /v1/templates', 201, created.body);

    const uploaded = await t.api('POST', '/v1/uploads', importForm({ template: 'orders', file: csv([['Order', 'When'], [1, '01/02/2024'], [2, 'soon']]) }));
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.headings).toHaveLength(2);
    expectDocumented('POST /v1/uploads', 201, uploaded.body);

    const list = await t.api('GET', '/v1/uploads');
    expect(list.status).toBe(200);
    expect(list.body.uploads.length).toBeGreaterThan(0);
    expect(list.body.uploads[0]).toMatchObject({ status: 'mapping', finishedAt: null, sheet: null });
    expectDocumented('GET /v1/uploads', 200, list.body);

    const missing = await t.api('GET', '/v1/templates/nope');
    expect(missing.status).toBe(404);
    expectDocumented('GET /v1/templates/{code}', 404, missing.body);
    const unauthorized = await callApi(t.url, 'GET', '/v1/uploads', undefined, 'sk_wrong');
    expect(unauthorized.status).toBe(401);
    expectDocumented('GET /v1/uploads', 401, unauthorized.body);
  });

  it('would be caught out: a shape the answer does not fit fails the check', () => {
    // The check itself can fail: the upload list's shape refuses an upload without its status.
    const schema = operations().get('GET /v1/uploads').responses['200'].content['application/json'].schema;
    const validate = ajv.compile({ ...schema, components: doc.components });
    expect(validate({ uploads: [{ uploadId: 'x' }], total: 1, offset: 0, limit: 100, nextOffset: null })).toBe(false);
  });
});

describe('the reference page', () => {
  it('is served at /docs without credentials, from the service itself, under its CSP', async () => {
    const res = await fetch(`${t.url}/docs/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect(source, 'loaded from the service itself').toMatch(/^\.\/static\//);
    const script = await fetch(`${t.url}/docs/static/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-security-policy')).toBe(DOCS_CSP);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    // The CSP allows this origin alone: no script, style, image or request may come from anywhere else.
    expect(DOCS_CSP).toContain("default-src 'none'");
    expect(DOCS_CSP).not.toMatch(/https?:|\*|'unsafe-/);
  });

  it('is not there on a worker, which serves no API', async () => {
    const deps = { config: { ...t.service.config, role: 'worker' }, log: pino({ level: 'silent' }), metrics: createMetrics(t.service.store.db) };
    const app = await buildHttp(deps as unknown as ApiDeps, { serveApi: false });
    try {
      expect((await app.inject({ url: '/openapi.json' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/docs/' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

// Import sessions: a host backend makes a token for the browser; the token does the interactive import of its own
// template and uploads, and nothing else; the session's secret reaches only the receiver; expiry, revocation, CORS.
import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { importSessions } from '../src/store/schema.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { callApi, startService, waitFor, type TestService } from './support/service.ts';
import { importForm, peopleCsv, PEOPLE_COLUMNS } from './support/files.ts';

let t: TestService;
let receiver: Receiver;

const SECRET = 'Bearer host-secret-7f3a9c';

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  for (const code of ['people', 'other']) {
    await t.api('POST', '/v1/templates', { code, name: code, columns: PEOPLE_COLUMNS });
    await t.api('PUT', `/v1/templates/${code}/destination`, { webhook: { callbackUrl: receiver.url, chunkSize: 2, authHeaderName: 'X-Host-Token' } });
  }
  await t.api('POST', '/v1/templates', { code: 'bare', name: 'No destination', columns: PEOPLE_COLUMNS });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

const withToken = (token: string, method: string, path: string, body?: unknown) => callApi(t.url, method, path, body, token);

async function newSession(body: Record<string, unknown> = {}) {
  const res = await t.api('POST', '/v1/import-sessions', { template: 'people', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { sessionId: string; sessionToken: string; expiresAt: string };
}

async function statusOf(token: string, uploadId: string, wanted: string[]) {
  return waitFor(async () => {
    const { body } = await withToken(token, 'GET', `/v1/uploads/${uploadId}`);
    return wanted.includes(body.status) ? body : undefined;
  }, `upload ${uploadId} to be ${wanted.join(' or ')}`);
}

/** An upload made with the token and validated with its suggested mapping: in review when it returns. */
async function reviewedUpload(token: string, rows = 3, invalid = new Set<number>()) {
  const made = await withToken(token, 'POST', '/v1/uploads', importForm({ file: peopleCsv(rows, invalid) }));
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  expect((await withToken(token, 'POST', `/v1/uploads/${made.body.uploadId}/validate`)).status).toBe(202);
  await statusOf(token, made.body.uploadId, ['reviewing']);
  return made.body.uploadId as string;
}

describe('creating a session', () => {
  it('answers the session id, a token shown once and its expiry; only the token\'s hash and the sealed secret are stored', async () => {
    const before = Date.now();
    const made = await newSession({ authHeaderValue: SECRET });
    expect(made).toEqual({
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/), sessionToken: expect.stringMatching(/^ist_[A-Za-z0-9_-]{43}$/), expiresAt: expect.any(String),
    });
    const lifetime = Date.parse(made.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThan(3610_000);
    const [row] = await t.service.store.db.select().from(importSessions).where(eq(importSessions.id, made.sessionId));
    expect(row.tokenHash).toBe(createHash('sha256').update(made.sessionToken).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(made.sessionToken);
    expect(JSON.stringify(row)).not.toContain('host-secret');

    const state = await t.api('GET', `/v1/import-sessions/${made.sessionId}`);
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({ sessionId: made.sessionId, template: 'people', status: 'active', revokedAt: null, expiresAt: made.expiresAt });
    expect(JSON.stringify(state.body)).not.toMatch(/ist_|host-secret/);
  });

  it.each([
    [{}, /^template: /],
    [{ template: 5 }, /^template: must be a string/],
    [{ template: 'people', authHeaderValue: 'a\nb' }, /^authHeaderValue: /],
    [{ template: 'people', authHeaderValue: '' }, /^authHeaderValue: /],
    [{ template: 'people', user: { email: 'a@example.com' } }, /^user\/id: is required/],
    [{ template: 'people', user: { id: 42 } }, /^user\/id: must be a string/],
    [{ template: 'people', user: { id: 'u1', role: 'admin' } }, /^user: "role" is not a property/],
    [{ template: 'people', allowedOrigins: [] }, /^allowedOrigins: /],
    [{ template: 'people', allowedOrigins: ['https://app.example.com/import'] }, /^allowedOrigins\/0: must be an origin/],
    [{ template: 'people', allowedOrigins: ['https://app.example.com', '*'] }, /^allowedOrigins\/1: must be an origin/],
    [{ template: 'people', expiresInSeconds: 59 }, /^expiresInSeconds: must be at least 60, not 59/],
    [{ template: 'people', expiresInSeconds: 86_401 }, /^expiresInSeconds: must be at most 86400/],
    [{ template: 'people', expiresInSeconds: '3600' }, /^expiresInSeconds: must be an integer/],
    [{ template: 'people', maxRecords: 0 }, /^maxRecords: must be at least 1/],
    [{ template: 'people', maxRows: 5 }, /"maxRows" is not a property/],
  ])('refuses %j with a 400 naming the field', async (body, detail) => {
    const res = await t.api('POST', '/v1/import-sessions', body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_request');
    expect(res.body.detail).toMatch(detail);
  });

  it('refuses an unknown or deleted template (404) and one without destination (409), as /v1/imports does', async () => {
    expect((await t.api('POST', '/v1/import-sessions', { template: 'nope' })).body).toMatchObject({ code: 'not_found' });
    expect((await t.api('POST', '/v1/import-sessions', { template: 'nope' })).status).toBe(404);
    const bare = await t.api('POST', '/v1/import-sessions', { template: 'bare' });
    expect(bare.status).toBe(409);
    expect(bare.body.code).toBe('destination_missing');
    await t.api('POST', '/v1/templates', { code: 'gone', name: 'Gone', columns: PEOPLE_COLUMNS });
    await t.api('PUT', '/v1/templates/gone/destination', { webhook: { callbackUrl: receiver.url } });
    const { sessionToken } = await newSession({ template: 'gone' });
    expect((await t.api('DELETE', '/v1/templates/gone')).status).toBe(204);
    expect((await t.api('POST', '/v1/import-sessions', { template: 'gone' })).status).toBe(404);
    // A session whose template went can make no upload, and says why.
    const upload = await withToken(sessionToken, 'POST', '/v1/uploads', importForm({ file: peopleCsv(2) }));
    expect(upload.status).toBe(404);
    expect(upload.body.detail).toMatch(/template of this import session/);
  });
});

describe('the interactive flow with a session token', () => {
  it('goes from upload to delivery; the receiver gets the session\'s secret and extra, and no answer to the token holds the secret', async () => {
    const { sessionId, sessionToken: token } = await newSession({
      authHeaderValue: SECRET, extra: { tenant: 't9', plan: 'pro' }, user: { id: 'u-17', email: 'ann@example.com', name: 'Ann' },
      allowedOrigins: ['https://host.example'], maxRecords: 100,
    });
    const answers: unknown[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await withToken(token, method, path, body);
      answers.push(res.body);
      return res;
    };

    const current = await call('GET', '/v1/import-sessions/current');
    expect(current.status).toBe(200);
    expect(current.body).toEqual({
      sessionId, expiresAt: expect.any(String), user: { id: 'u-17', email: 'ann@example.com', name: 'Ann' },
      allowedOrigins: ['https://host.example'],
      template: {
        code: 'people', name: 'people',
        columns: PEOPLE_COLUMNS.map((c) => ({ required: false, unique: false, alternateKeys: [], ...c })),
      },
      limits: { maxFileBytes: expect.any(Number), maxRecords: 100, maxColumns: expect.any(Number) },
    });
    expect(JSON.stringify(current.body)).not.toMatch(/127\.0\.0\.1|X-Host-Token|callbackUrl|t9/);

    const made = await call('POST', '/v1/uploads', importForm({ file: peopleCsv(5, new Set([2])) }));
    expect(made.status).toBe(201);
    const { uploadId } = made.body;
    expect((await call('GET', `/v1/uploads/${uploadId}/mapping`)).body.missingRequired).toEqual([]);
    expect((await call('PUT', `/v1/uploads/${uploadId}/mapping`, { mapping: { zip: 3 } })).status).toBe(200);
    expect((await call('POST', `/v1/uploads/${uploadId}/validate`)).status).toBe(202);
    await statusOf(token, uploadId, ['reviewing']);
    const invalid = await call('GET', `/v1/uploads/${uploadId}/records?type=invalid`);
    expect(invalid.body.records.map((r: { row: number }) => r.row)).toEqual([2]);
    const fixed = await call('PATCH', `/v1/uploads/${uploadId}/records/2`, { data: { email: 'fixed@example.com' } });
    expect(fixed.body).toMatchObject({ row: 2, valid: true });
    expect((await call('DELETE', `/v1/uploads/${uploadId}/records/5`)).status).toBe(204);
    expect((await call('POST', `/v1/uploads/${uploadId}/records/delete`, { rows: [4] })).body).toEqual({ deleted: [4] });
    expect((await call('POST', `/v1/uploads/${uploadId}/confirm`)).status).toBe(202);
    const done = await statusOf(token, uploadId, ['completed', 'completed_with_failures', 'failed']);
    answers.push(done);
    expect(done).toMatchObject({ status: 'completed', validRecords: 3, totalPages: 2 });

    const pages = receiver.received.filter((r) => r.body?.uploadId === uploadId);
    expect(pages).toHaveLength(2);
    for (const page of pages) {
      expect(page.headers['x-host-token']).toBe(SECRET);
      expect(page.body.extra).toEqual({ tenant: 't9', plan: 'pro' });
    }
    expect(pages.flatMap((p) => p.body.data.map((d: { email: string }) => d.email))).toEqual(['p1@example.com', 'fixed@example.com', 'p3@example.com']);
    expect(JSON.stringify(answers)).not.toContain('host-secret');
    // The upload is the session's, and the API key sees it too.
    expect((await t.api('GET', `/v1/uploads/${uploadId}`)).body.status).toBe('completed');
  });

  it('refuses authHeaderValue and extra from the browser, and a template other than the session\'s', async () => {
    const { sessionToken: token } = await newSession({ authHeaderValue: SECRET });
    const secret = await withToken(token, 'POST', '/v1/uploads', importForm({ file: peopleCsv(2), authHeaderValue: 'mine' }));
    expect(secret.status).toBe(400);
    expect(secret.body.detail).toMatch(/^authHeaderValue: not accepted with an import session token/);
    const extra = await withToken(token, 'POST', '/v1/uploads', importForm({ file: peopleCsv(2), extra: '{"tenant":"x"}' }));
    expect(extra.status).toBe(400);
    expect(extra.body.detail).toMatch(/^extra: /);
    const other = await withToken(token, 'POST', '/v1/uploads', importForm({ template: 'other', file: peopleCsv(2) }));
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('forbidden_for_session');
    const own = await withToken(token, 'POST', '/v1/uploads', importForm({ template: 'people', file: peopleCsv(2) }));
    expect(own.status).toBe(201);
  });

  it('answers /v1/import-sessions/current only to a session token', async () => {
    const res = await t.api('GET', '/v1/import-sessions/current');
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('session_token_required');
  });
});

describe('what a session token may not do', () => {
  it('answers 403 forbidden_for_session to every other route, another session\'s upload and an API key\'s upload', async () => {
    const { sessionToken: token, sessionId } = await newSession();
    const { sessionToken: otherToken, sessionId: otherSessionId } = await newSession();
    const otherUpload = (await withToken(otherToken, 'POST', '/v1/uploads', importForm({ file: peopleCsv(2) }))).body.uploadId;
    const keyUpload = (await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: peopleCsv(2) }))).body.uploadId;
    expect(otherUpload).toMatch(/^[0-9a-f-]{36}$/);
    expect(keyUpload).toMatch(/^[0-9a-f-]{36}$/);
    const { body: keys } = await t.api('GET', '/v1/api-keys');

    const refused: [string, string, unknown?][] = [
      ['GET', '/v1/templates'],
      ['POST', '/v1/templates', { code: 'mine', name: 'Mine', columns: PEOPLE_COLUMNS }],
      ['GET', '/v1/templates/people'],
      ['PATCH', '/v1/templates/people', { name: 'Renamed' }],
      ['DELETE', '/v1/templates/people'],
      ['GET', '/v1/templates/people/destination'],
      ['PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: 'https://evil.example/' } }],
      ['DELETE', '/v1/templates/people/destination'],
      ['POST', '/v1/templates/people/destination/test'],
      ['POST', '/v1/templates/people/destination/rotate-secret'],
      ['GET', '/v1/templates/other/sample?format=csv'],
      ['POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(2) })],
      ['GET', '/v1/api-keys'],
      ['POST', '/v1/api-keys', { name: 'stolen' }],
      ['DELETE', `/v1/api-keys/${keys.apiKeys[0].id}`],
      ['POST', '/v1/import-sessions', { template: 'people' }],
      ['GET', `/v1/import-sessions/${sessionId}`],
      ['DELETE', `/v1/import-sessions/${otherSessionId}`],
      ['GET', '/v1/uploads'],
      ['GET', `/v1/uploads/${otherUpload}`],
      ['GET', `/v1/uploads/${otherUpload}/mapping`],
      ['POST', `/v1/uploads/${otherUpload}/cancel`],
      ['GET', `/v1/uploads/${keyUpload}`],
      ['PUT', `/v1/uploads/${keyUpload}/mapping`, { mapping: {} }],
      ['POST', `/v1/uploads/${keyUpload}/validate`],
      ['GET', `/v1/uploads/${keyUpload}/records`],
      ['POST', `/v1/uploads/${keyUpload}/confirm`],
      ['GET', `/v1/uploads/${keyUpload}/deliveries`],
      ['POST', `/v1/uploads/${keyUpload}/redeliver`],
    ];
    for (const [method, path, body] of refused) {
      const res = await withToken(token, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.code, `${method} ${path}`).toBe('forbidden_for_session');
      expect(res.body.detail, `${method} ${path}`).toEqual(expect.any(String));
    }
    // Nothing was changed by the refused calls.
    expect((await t.api('GET', '/v1/templates/people')).body.name).toBe('people');
    expect((await t.api('GET', `/v1/import-sessions/${otherSessionId}`)).body.status).toBe('active');
    expect((await t.api('GET', `/v1/uploads/${otherUpload}`)).body.status).toBe('mapping');
    expect((await t.api('GET', '/v1/api-keys')).body.apiKeys).toHaveLength(keys.apiKeys.length);
  });

  it('refuses SHEETHOOK_API_KEY when it looks like a session token, which it could never work as', () => {
    expect(() => loadConfig({ SHEETHOOK_API_KEY: 'ist_mine' })).toThrow(/SHEETHOOK_API_KEY may not start with "ist_"/);
    expect(loadConfig({ SHEETHOOK_API_KEY: 'sk_mine' }).apiKey).toBe('sk_mine');
  });

  it('answers 401 unauthorized to an unknown token', async () => {
    const res = await withToken('ist_not-a-session', 'GET', '/v1/import-sessions/current');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('unauthorized');
  });
});

describe('the end of a session', () => {
  it('an expired token gets 401 session_expired; its uploads stay', async () => {
    const { sessionToken: token, sessionId } = await newSession({ expiresInSeconds: 60 });
    const uploadId = (await withToken(token, 'POST', '/v1/uploads', importForm({ file: peopleCsv(2) }))).body.uploadId;
    expect((await withToken(token, 'GET', '/v1/import-sessions/current')).status).toBe(200);
    await t.service.store.db.update(importSessions).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(importSessions.id, sessionId));
    for (const path of ['/v1/import-sessions/current', `/v1/uploads/${uploadId}`]) {
      const res = await withToken(token, 'GET', path);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 'session_expired', detail: expect.stringMatching(/expired at/) });
    }
    expect((await t.api('GET', `/v1/import-sessions/${sessionId}`)).body.status).toBe('expired');
    expect((await t.api('GET', `/v1/uploads/${uploadId}`)).body.status).toBe('mapping');
  });

  it('a revoked token stops at once with 401 session_revoked; its confirmed upload is still delivered', async () => {
    const { sessionToken: token, sessionId } = await newSession({ authHeaderValue: SECRET });
    const uploadId = await reviewedUpload(token, 3);
    let letGo!: () => void;
    const held = new Promise<{ status: number }>((resolve) => { letGo = () => resolve({ status: 200 }); });
    receiver.answer = () => ({ held });
    try {
      expect((await withToken(token, 'POST', `/v1/uploads/${uploadId}/confirm`)).status).toBe(202);
      await waitFor(() => receiver.received.some((r) => r.body?.uploadId === uploadId), 'the first page to arrive');
      expect((await t.api('DELETE', `/v1/import-sessions/${sessionId}`)).status).toBe(204);
      const res = await withToken(token, 'GET', `/v1/uploads/${uploadId}`);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 'session_revoked', detail: expect.any(String) });
    } finally {
      letGo();
      receiver.answer = () => ({ status: 200 });
    }
    const done = await waitFor(async () => {
      const { body } = await t.api('GET', `/v1/uploads/${uploadId}`);
      return body.status === 'completed' ? body : undefined;
    }, 'the revoked session\'s upload to be delivered');
    expect(done.pagesDelivered).toBe(2);
    expect(receiver.received.filter((r) => r.body?.uploadId === uploadId).every((r) => r.headers['x-host-token'] === SECRET)).toBe(true);
    expect((await t.api('GET', `/v1/import-sessions/${sessionId}`)).body).toMatchObject({ status: 'revoked', revokedAt: expect.any(String) });
    // Revoking again is harmless; an unknown session is 404.
    expect((await t.api('DELETE', `/v1/import-sessions/${sessionId}`)).status).toBe(204);
    const unknown = await t.api('DELETE', '/v1/import-sessions/00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('not_found');
  });
});

describe('maxRecords', () => {
  it('fails an upload of the session with more data rows with too_many_rows naming the limit', async () => {
    const { sessionToken: token } = await newSession({ maxRecords: 3 });
    expect((await withToken(token, 'GET', '/v1/import-sessions/current')).body.limits.maxRecords).toBe(3);
    const made = await withToken(token, 'POST', '/v1/uploads', importForm({ file: peopleCsv(4) }));
    expect((await withToken(token, 'POST', `/v1/uploads/${made.body.uploadId}/validate`)).status).toBe(202);
    const failed = await statusOf(token, made.body.uploadId, ['failed', 'reviewing']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/more than 3 data rows/);
    // Three rows are allowed.
    await reviewedUpload(token, 3);
  });
});

describe('CORS', () => {
  const raw = (path: string, init: RequestInit & { headers: Record<string, string> }) => fetch(t.url + path, init);

  it('answers a preflight for /v1 with the methods and headers a page may send', async () => {
    const res = await raw('/v1/uploads/00000000-0000-4000-8000-000000000000/records/3', {
      method: 'OPTIONS',
      headers: { origin: 'https://host.example', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://host.example');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, PATCH, DELETE');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toBe('authorization, content-type');
  });

  it('echoes an allowed origin, refuses another with 403 origin_not_allowed, lets same-origin calls through', async () => {
    const { sessionToken: token } = await newSession({ allowedOrigins: ['https://host.example', 'http://localhost:5173'] });
    const get = (origin: string, auth = token) => raw('/v1/import-sessions/current', { headers: { origin, authorization: `Bearer ${auth}` } });

    const allowed = await get('https://host.example');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://host.example');
    expect(allowed.headers.get('vary')).toMatch(/Origin/i);

    const other = await get('https://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(await other.json()).toEqual({ code: 'origin_not_allowed', detail: expect.stringContaining('https://evil.example') });

    // The widget is served by the service itself: its calls are same-origin, whatever allowedOrigins says.
    const own = await get(new URL(t.url).origin);
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBeNull();

    // The end of a session is told to an allowed page in a way it can read, so that it can say so.
    const ending = await newSession({ allowedOrigins: ['https://host.example'] });
    await t.api('DELETE', `/v1/import-sessions/${ending.sessionId}`);
    const ended = await get('https://host.example', ending.sessionToken);
    expect(ended.status).toBe(401);
    expect(ended.headers.get('access-control-allow-origin')).toBe('https://host.example');
    expect((await ended.json()).code).toBe('session_revoked');

    const open = await newSession();
    const anyOrigin = await get('https://anywhere.example', open.sessionToken);
    expect(anyOrigin.status).toBe(200);
    expect(anyOrigin.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
  });

  it('gives a request with an API key no CORS header', async () => {
    const res = await raw('/v1/templates', { headers: { origin: 'https://host.example', authorization: 'Bearer sk_test_key' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

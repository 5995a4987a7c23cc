// Console sessions: a browser signs in with an API key and holds only an HttpOnly cookie that acts as the key; signing
// out, idleness and the key's revocation end it; a request another site could have made is refused; the key itself
// is never answered.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSessions, projects } from '../src/store/schema.ts';
import { addApiKey } from '../src/store/projects-queries.ts';
import { API_KEY, startService, type TestService } from './support/service.ts';
import { PEOPLE_COLUMNS } from './support/files.ts';

let t: TestService;
/** A service whose console sessions end after 1.2 s without a request. */
let quick: TestService;

/** The API keys, which no answer may carry; and the cookies' tokens, which only a Set-Cookie may. */
const keys = new Set<string>([API_KEY]);
const tokens = new Set<string>();

beforeAll(async () => {
  [t, quick] = await Promise.all([startService(), startService({ SHEETHOOK_CONSOLE_IDLE_MINUTES: '0.02' })]);
});

afterAll(async () => {
  await Promise.all([t?.stop(), quick?.stop()]);
});

interface Answer { status: number; body: any; setCookie: string[] }

/**
 * A request as a browser's page of the service makes it: `headers` adds what the browser would send (Cookie, Origin,
 * Sec-Fetch-Site), and no Authorization unless given. Every answer is checked for the credentials it may not carry.
 */
async function call(s: TestService, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const res = await fetch(s.url + path, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  const headerText = [...res.headers].map(([name, value]) => `${name}: ${value}`).join('\n');
  for (const key of keys) {
    expect(text, `${method} ${path} answered a key`).not.toContain(key);
    expect(headerText, `${method} ${path} answered a key in a header`).not.toContain(key);
  }
  for (const token of tokens) expect(text, `${method} ${path} answered a session token`).not.toContain(token);
  return { status: res.status, body: text ? JSON.parse(text) : undefined, setCookie: res.headers.getSetCookie() };
}

/** The service's own origin, as a browser on one of its pages sends it. */
const own = (s: TestService) => ({ origin: s.url, 'sec-fetch-site': 'same-origin' });

/** Signs in with `apiKey`; the Cookie header that the browser then sends. */
async function signIn(s: TestService, apiKey = API_KEY): Promise<{ cookie: string; answer: Answer }> {
  const answer = await call(s, 'POST', '/v1/console/sessions', { body: { apiKey }, headers: own(s) });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  expect(answer.setCookie).toHaveLength(1);
  const cookie = answer.setCookie[0].split(';')[0];
  tokens.add(cookie.split('=')[1]);
  return { cookie, answer };
}

async function newKey(s: TestService, name: string): Promise<{ id: string; key: string }> {
  const made = await s.api('POST', '/v1/api-keys', { name });
  expect(made.status).toBe(201);
  keys.add(made.body.key);
  return made.body;
}

describe('signing in', () => {
  it('answers the session\'s ends and key, and sets an HttpOnly, SameSite=Strict cookie for the whole site', async () => {
    const before = Date.now();
    const { cookie, answer } = await signIn(t);
    expect(answer.body).toEqual({
      expiresAt: expect.any(String), idleExpiresAt: expect.any(String),
      apiKey: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), prefix: null },
    });
    // The defaults: 12 hours at most, 30 minutes idle.
    const expires = Date.parse(answer.body.expiresAt);
    const idle = Date.parse(answer.body.idleExpiresAt);
    expect(expires - before).toBeGreaterThan(11.9 * 3600_000);
    expect(expires - before).toBeLessThan(12.1 * 3600_000);
    expect(idle - before).toBeGreaterThan(29 * 60_000);
    expect(idle - before).toBeLessThan(31 * 60_000);

    const attributes = answer.setCookie[0].split(';').map((a) => a.trim());
    expect(cookie).toMatch(/^sheethook_console=[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/']));
    // Plain http: a Secure cookie would never be sent back.
    expect(attributes).not.toContain('Secure');

    const current = await call(t, 'GET', '/v1/console/sessions/current', { headers: { cookie, 'sec-fetch-site': 'same-origin' } });
    expect(current.status).toBe(200);
    expect(current.body).toEqual(answer.body);
  });

  it('marks the cookie Secure when the request came over https, as a proxy ending TLS says', async () => {
    const answer = await call(t, 'POST', '/v1/console/sessions', { body: { apiKey: API_KEY }, headers: { 'x-forwarded-proto': 'https' } });
    expect(answer.status).toBe(201);
    tokens.add(answer.setCookie[0].split(';')[0].split('=')[1]);
    expect(answer.setCookie[0].split(';').map((a) => a.trim())).toContain('Secure');
  });

  it('refuses a wrong key with 401 and sets no cookie; an import session token is no key', async () => {
    for (const apiKey of ['sk_not_a_key', `${API_KEY}x`, 'ist_abc']) {
      const answer = await call(t, 'POST', '/v1/console/sessions', { body: { apiKey }, headers: own(t) });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ code: 'unauthorized', detail: 'the API key is not valid' });
      expect(answer.setCookie).toEqual([]);
    }
    const noKey = await call(t, 'POST', '/v1/console/sessions', { body: {}, headers: own(t) });
    expect(noKey.status).toBe(400);
    expect(noKey.body.detail).toMatch(/apiKey/);
  });
});

describe('the cookie as the key', () => {
  it('works on API-key routes with the key\'s project: reading without Origin, changing with the page\'s own Origin', async () => {
    const { cookie } = await signIn(t);
    const list = await call(t, 'GET', '/v1/templates', { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ templates: expect.any(Array) });

    const made = await call(t, 'POST', '/v1/templates', {
      body: { code: 'console-made', name: 'Made in the console', columns: PEOPLE_COLUMNS }, headers: { cookie, origin: t.url },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    // The key's project: the key sees what the cookie made.
    expect((await t.api('GET', '/v1/templates/console-made')).status).toBe(200);

    const withSite = await call(t, 'PATCH', '/v1/templates/console-made', {
      body: { name: 'Renamed' }, headers: { cookie, 'sec-fetch-site': 'same-origin' },
    });
    expect(withSite.status).toBe(200);
    for (const path of ['/v1/api-keys', '/v1/uploads']) {
      expect((await call(t, 'GET', path, { headers: { cookie, ...own(t) } })).status, path).toBe(200);
    }
  });

  it('lets an Authorization header win over the cookie', async () => {
    const [other] = await t.service.store.db.insert(projects).values({ name: 'Other' }).returning();
    const otherKey = 'sk_console_other_project';
    keys.add(otherKey);
    await addApiKey(t.service.store.db, other.id, otherKey, { name: 'other' });
    const { cookie } = await signIn(t, otherKey);
    const byCookie = await call(t, 'GET', '/v1/api-keys', { headers: { cookie } });
    expect(byCookie.body.apiKeys.map((k: { name: string }) => k.name)).toEqual(['other']);

    const byKey = await call(t, 'GET', '/v1/api-keys', { headers: { cookie, authorization: `Bearer ${API_KEY}` } });
    expect(byKey.status).toBe(200);
    expect(byKey.body.apiKeys.map((k: { name: string }) => k.name)).toContain('SHEETHOOK_API_KEY');

    const badKey = await call(t, 'GET', '/v1/templates', { headers: { cookie, authorization: 'Bearer sk_wrong' } });
    expect(badKey.status).toBe(401);
  });

  it('answers 401 without a cookie or with one the service never made, and says how to sign in', async () => {
    const none = await call(t, 'GET', '/v1/templates');
    expect(none.status).toBe(401);
    const made = await call(t, 'GET', '/v1/console/sessions/current');
    expect(made).toMatchObject({ status: 401, body: { code: 'unauthorized', detail: expect.stringMatching(/POST \/v1\/console\/sessions/) } });
    const forged = await call(t, 'GET', '/v1/templates', { headers: { cookie: 'theme=dark; sheethook_console=forged-token-value' } });
    expect(forged).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });
});

describe('ending a session', () => {
  it('signs out: 204, the cookie cleared, and the old cookie no longer works; signing out again is 204', async () => {
    const { cookie } = await signIn(t);
    expect((await call(t, 'GET', '/v1/templates', { headers: { cookie } })).status).toBe(200);
    const out = await call(t, 'DELETE', '/v1/console/sessions/current', { headers: { cookie, ...own(t) } });
    expect(out.status).toBe(204);
    expect(out.setCookie).toHaveLength(1);
    expect(out.setCookie[0]).toMatch(/^sheethook_console=;/);
    expect(out.setCookie[0].split(';').map((a) => a.trim())).toEqual(expect.arrayContaining(['Max-Age=0', 'HttpOnly', 'SameSite=Strict', 'Path=/']));

    expect(await call(t, 'GET', '/v1/templates', { headers: { cookie } })).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect((await call(t, 'GET', '/v1/console/sessions/current', { headers: { cookie } })).status).toBe(401);
    expect((await call(t, 'DELETE', '/v1/console/sessions/current', { headers: { cookie, ...own(t) } })).status).toBe(204);
  });

  it('ends a session left idle longer than SHEETHOOK_CONSOLE_IDLE_MINUTES: 401 session_expired', async () => {
    const { cookie, answer } = await signIn(quick);
    const idleEnd = Date.parse(answer.body.idleExpiresAt);
    expect(idleEnd).toBeLessThan(Date.parse(answer.body.expiresAt));
    // Waits for the end the service announced, then a little more for the clocks' rounding.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, idleEnd - Date.now()) + 200));
    const late = await call(quick, 'GET', '/v1/templates', { headers: { cookie } });
    expect(late.status).toBe(401);
    expect(late.body).toEqual({ code: 'session_expired', detail: expect.stringMatching(/^this console session ended at .*; sign in again$/) });
    // Told to forget it.
    expect(late.setCookie[0]).toMatch(/^sheethook_console=; Max-Age=0/);
    expect((await call(quick, 'GET', '/v1/console/sessions/current', { headers: { cookie } })).status).toBe(401);
  });

  it('ends every console session of a key when the key is revoked, even through its own session', async () => {
    const key = await newKey(t, 'console-revoked');
    const { cookie } = await signIn(t, key.key);
    const second = await signIn(t, key.key);
    expect((await call(t, 'GET', '/v1/templates', { headers: { cookie } })).status).toBe(200);
    expect((await t.api('DELETE', `/v1/api-keys/${key.id}`)).status).toBe(204);
    for (const c of [cookie, second.cookie]) {
      expect(await call(t, 'GET', '/v1/templates', { headers: { cookie: c } })).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    }

    const own2 = await newKey(t, 'console-self-revoked');
    const self = await signIn(t, own2.key);
    expect((await call(t, 'DELETE', `/v1/api-keys/${own2.id}`, { headers: { cookie: self.cookie, ...own(t) } })).status).toBe(204);
    expect((await call(t, 'GET', '/v1/console/sessions/current', { headers: { cookie: self.cookie } })).status).toBe(401);
  });
});

describe('requests another site could make', () => {
  it('are refused with 403 cross_site when Sec-Fetch-Site or Origin says another site, and the session goes on', async () => {
    const { cookie } = await signIn(t);
    const refused: Record<string, string>[] = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: t.url.replace('127.0.0.1', 'localhost') },
      { origin: t.url, 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of refused) {
      for (const [method, path, body] of [
        ['GET', '/v1/templates'], ['GET', '/v1/console/sessions/current'],
        ['POST', '/v1/api-keys', { name: 'forged' }], ['DELETE', '/v1/console/sessions/current'],
      ] as const) {
        const answer = await call(t, method, path, { body, headers: { cookie, ...headers } });
        expect(answer.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(answer.body.code).toBe('cross_site');
      }
    }
    // Nothing was made, and the sign-out that was refused did not sign out.
    expect((await t.api('GET', '/v1/api-keys')).body.apiKeys.map((k: { name: string }) => k.name)).not.toContain('forged');
    expect((await call(t, 'GET', '/v1/console/sessions/current', { headers: { cookie, 'sec-fetch-site': 'same-origin' } })).status).toBe(200);
  });

  it('refuses a change made with the cookie that says nothing of where it comes from', async () => {
    const { cookie } = await signIn(t);
    const answer = await call(t, 'POST', '/v1/api-keys', { body: { name: 'unmarked' }, headers: { cookie } });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ code: 'cross_site', detail: expect.stringMatching(/must carry Origin or Sec-Fetch-Site/) });
    // A typed address (Sec-Fetch-Site: none) and the page's own requests are the browser's own.
    expect((await call(t, 'GET', '/v1/templates', { headers: { cookie, 'sec-fetch-site': 'none' } })).status).toBe(200);
  });

  it('refuses a sign-in that another site\'s page makes, so it cannot sign a browser in to its own key', async () => {
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'http://evil.example' }] as Record<string, string>[]) {
      const answer = await call(t, 'POST', '/v1/console/sessions', { body: { apiKey: API_KEY }, headers });
      expect(answer.status).toBe(403);
      expect(answer.body.code).toBe('cross_site');
      expect(answer.setCookie).toEqual([]);
    }
  });
});

it('stores only the hash of a session\'s token', async () => {
  const { cookie } = await signIn(t);
  const token = cookie.split('=')[1];
  const stored = JSON.stringify(await t.service.store.db.select().from(consoleSessions));
  expect(stored).not.toContain(token);
  expect(stored).toContain(createHash('sha256').update(token).digest('hex'));
});

// fastify's inject (light-my-request) still sends cookies with the cookie version package.json's overrides pin for Node 20.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_KEY, startService, type TestService } from './support/service.ts';

let t: TestService;

beforeAll(async () => { t = await startService(); });
afterAll(async () => { await t?.stop(); });

// light-my-request writes the cookies with the cookie package's stringifySetCookie: a version without it, or
// one that takes other arguments, fails the inject itself.
it('an injected request with cookies reaches an authenticated route', async () => {
  const res = await t.service.http.inject({
    method: 'GET', url: '/v1/api-keys', headers: { authorization: `Bearer ${API_KEY}` }, cookies: { theme: 'dark mode', lang: 'en' },
  });
  expect(res.statusCode).toBe(200);
  expect(res.json().apiKeys).toHaveLength(1);
});

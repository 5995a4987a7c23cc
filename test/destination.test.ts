// A template's webhook destination: documented defaults, checked ranges, and no internal addresses unless allowlisted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './support/service.ts';

let t: TestService;
let strict: TestService;
const columns = [{ key: 'a', name: 'A' }];
const path = '/v1/templates/t1/destination';

beforeAll(async () => {
  t = await startService();
  strict = await startService({ SHEETHOOK_DESTINATION_ALLOWLIST: '' });
  for (const s of [t, strict]) await s.api('POST', '/v1/templates', { code: 't1', name: 'T1', columns });
});
afterAll(async () => {
  await t?.stop();
  await strict?.stop();
});

describe('webhook destination', () => {
  it('fills in the documented defaults: chunk size 100, no retry, 1000 ms interval, 30 s timeout, one page at a time, no rate limit', async () => {
    expect((await t.api('GET', path)).status).toBe(404);
    const res = await t.api('PUT', path, { webhook: { callbackUrl: 'http://127.0.0.1:9/hook' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      webhook: {
        callbackUrl: 'http://127.0.0.1:9/hook', chunkSize: 100, authHeaderName: null, retryCount: 0, retryInterval: 1000,
        retryBackoff: 'fixed', timeoutMs: 30000, concurrency: 1, maxRequestsPerSecond: null,
      },
      paused: false,
      pausedAt: null,
      signingSecret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    const changed = await t.api('PUT', path, { webhook: {
      callbackUrl: 'http://127.0.0.1:9/x', chunkSize: 5, retryCount: 3, authHeaderName: 'X-Token', concurrency: 4, maxRequestsPerSecond: 20,
    } });
    expect(changed.body.webhook).toMatchObject({ chunkSize: 5, retryCount: 3, authHeaderName: 'X-Token', concurrency: 4, maxRequestsPerSecond: 20 });
    expect((await t.api('GET', path)).body).toEqual(changed.body);
    const unlimited = await t.api('PUT', path, { webhook: { callbackUrl: 'http://127.0.0.1:9/x', maxRequestsPerSecond: null } });
    expect(unlimited.body.webhook).toMatchObject({ concurrency: 1, maxRequestsPerSecond: null });
    expect((await t.api('DELETE', path)).status).toBe(204);
    expect((await t.api('GET', path)).status).toBe(404);
  });

  it('refuses values out of range with a 400 that names the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ chunkSize: 0 }, /chunkSize/],
      [{ chunkSize: 10_001 }, /chunkSize/],
      [{ retryCount: -1 }, /retryCount/],
      [{ retryInterval: 1.5 }, /retryInterval/],
      [{ timeoutMs: 10 }, /timeoutMs/],
      [{ retryBackoff: 'linear' }, /retryBackoff/],
      [{ concurrency: 0 }, /concurrency/],
      [{ concurrency: 65 }, /concurrency/],
      [{ concurrency: 2.5 }, /concurrency/],
      [{ maxRequestsPerSecond: 0 }, /maxRequestsPerSecond/],
      [{ maxRequestsPerSecond: 10_001 }, /maxRequestsPerSecond/],
      [{ maxRequestsPerSecond: 0.5 }, /maxRequestsPerSecond/],
      [{ maxRequestsPerSecond: 'fast' }, /maxRequestsPerSecond/],
      [{ callbackUrl: 'not a url' }, /callbackUrl/],
      [{ callbackUrl: 'ftp://127.0.0.1/x' }, /callbackUrl/],
      [{ authHeaderName: 'Bad Header' }, /authHeaderName/],
      [{ authHeaderName: 'Content-Type' }, /authHeaderName/],
    ];
    for (const [override, field] of cases) {
      const res = await t.api('PUT', path, { webhook: { callbackUrl: 'http://127.0.0.1:9/hook', ...override } });
      expect(res.status, JSON.stringify(override)).toBe(400);
      expect(res.body.detail).toMatch(field);
    }
    expect((await t.api('PUT', path, {})).body.detail).toMatch(/webhook/);
    expect((await t.api('PUT', '/v1/templates/nope/destination', { webhook: { callbackUrl: 'http://127.0.0.1:9/' } })).status).toBe(404);
  });

  it('refuses private, loopback, link-local and metadata addresses unless allowlisted', async () => {
    const blocked = [
      'http://127.0.0.1/hook', 'http://localhost:8080/hook', 'http://10.1.2.3/', 'http://192.168.0.10/', 'http://172.16.5.5/',
      'http://169.254.169.254/latest/meta-data', 'http://[::1]/hook', 'http://[fd00::1]/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/',
    ];
    for (const callbackUrl of blocked) {
      const res = await strict.api('PUT', path, { webhook: { callbackUrl } });
      expect(res.status, callbackUrl).toBe(400);
      expect(res.body.code).toBe('destination_address_blocked');
      expect(res.body.detail).toMatch(/SHEETHOOK_DESTINATION_ALLOWLIST/);
    }
    expect((await strict.api('PUT', path, { webhook: { callbackUrl: 'https://93.184.215.14/hook' } })).status).toBe(200);
    expect((await t.api('PUT', path, { webhook: { callbackUrl: 'http://127.0.0.1:1234/hook' } })).status).toBe(200);
  });
});

describe('a callback host that does not resolve yet', () => {
  it('is saved with a warning, and checked again when a page is sent; a literal private address is still refused at once', async () => {
    // .invalid never resolves (RFC 6761): the same answer as a name whose DNS record is not there yet.
    const saved = await strict.api('PUT', path, { webhook: { callbackUrl: 'https://hooks.sheethook.invalid/imports' } });
    expect(saved.status).toBe(200);
    expect(saved.body.webhook.callbackUrl).toBe('https://hooks.sheethook.invalid/imports');
    expect(saved.body.warnings).toEqual([
      'callbackUrl: host "hooks.sheethook.invalid" does not resolve yet; it is checked again when a page is sent',
    ]);
    expect((await strict.api('GET', path)).body.webhook.callbackUrl).toBe('https://hooks.sheethook.invalid/imports');
    const sent = await strict.api('POST', `${path}/test`);
    expect(sent.body.outcome).toBe('dns_error');

    const resolved = await strict.api('PUT', path, { webhook: { callbackUrl: 'https://93.184.215.14/hook' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).not.toHaveProperty('warnings');

    const literal = await strict.api('PUT', path, { webhook: { callbackUrl: 'http://10.0.0.7/hook' } });
    expect(literal.status).toBe(400);
    expect(literal.body.code).toBe('destination_address_blocked');
  });
});

// The service serves the web build on the API role: /widget/ with its security headers, hashed assets cached for
// good and the page never, /embed.js within its size budget; without a build it starts and says what is missing,
// and a worker process serves none of it.
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildHttp, type ApiDeps } from '../src/api/http.ts';
import { WIDGET_CSP } from '../src/api/web/web-assets.ts';
import { createMetrics } from '../src/metrics.ts';
import { standInWebDir } from './support/browser.ts';
import { startService, type TestService } from './support/service.ts';

describe('with a web build', () => {
  let t: TestService;
  let web: ReturnType<typeof standInWebDir>;

  beforeAll(async () => {
    web = standInWebDir(inject('webDir'));
    t = await startService({ SHEETHOOK_WEB_DIR: web.dir });
  });
  afterAll(async () => {
    await t?.stop();
    web?.remove();
  });

  it('serves the widget page, without an API key, with its CSP, nosniff, no referrer and no caching', async () => {
    const res = await fetch(`${t.url}/widget/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(WIDGET_CSP);
    expect(WIDGET_CSP).toContain("default-src 'self'");
    expect(WIDGET_CSP).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<title>Stand-in widget</title>');
  });

  it('caches the hashed assets for good', async () => {
    const res = await fetch(`${t.url}/widget/assets/stand-in-Dx81kQ2a.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends /widget to /widget/, and answers 404 for a file the build does not have', async () => {
    const res = await fetch(`${t.url}/widget`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/widget/');
    const missing = await fetch(`${t.url}/widget/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect((await fetch(`${t.url}/widget/../../package.json`)).status).toBe(404);
  });

  it('serves /embed.js, revalidated on each load, within 5 KB gzipped', async () => {
    const res = await fetch(`${t.url}/embed.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('etag')).toBeTruthy();
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.toString()).toContain('Sheethook');
    expect(gzipSync(body, { level: 9 }).length).toBeLessThanOrEqual(5 * 1024);
    const again = await fetch(`${t.url}/embed.js`, {
      // fetch marks a conditional request no-cache unless told otherwise, which asks for the whole file again.
      headers: { 'if-none-match': res.headers.get('etag')!, 'cache-control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
  });

  it('serves none of it on a worker process', async () => {
    const deps = { config: { ...t.service.config, role: 'worker', webDir: web.dir }, log: pino({ level: 'silent' }), metrics: createMetrics(t.service.store.db) };
    const app = await buildHttp(deps as unknown as ApiDeps, { serveApi: false });
    try {
      expect((await app.inject({ url: '/widget/' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/embed.js' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('without a web build', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startService({ SHEETHOOK_WEB_DIR: join(inject('webDir'), 'not-there') });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('starts, and answers 503 naming the missing build for the widget and the embed script', async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    for (const path of ['/widget/', '/widget/assets/x.js', '/embed.js']) {
      const res = await fetch(t.url + path);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body.code).toBe('web_not_built');
      expect(body.detail).toContain('npm run build');
      // The server's directories are not the caller's business.
      expect(body.detail).not.toContain('/');
    }
  });
});

// The service serves the admin console at /admin/: one page for every path below it (the console routes in the
// browser), with a CSP that loads only its own files and lets no page frame it; the apps' hashed scripts at /assets/,
// cached for good; without a build, a 503 that names what is missing.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONSOLE_CSP } from '../src/api/web/web-assets.ts';
import { startService, type TestService } from './support/service.ts';

describe('with the web build', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startService({ SHEETHOOK_WEB_DIR: inject('webDir') });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('serves the console page at /admin/ and every path below it, never framed, never cached, without an API key', async () => {
    for (const path of ['/admin/', '/admin/templates', '/admin/uploads/0b5c6a57-1d2e-4c1e-9a57-2b8d3a1f0c11']) {
      const res = await fetch(t.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toMatch(/<script type="module"[^>]* src="\/assets\/admin-[\w-]+\.js"/);
    }
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "connect-src 'self'"]) {
      expect(CONSOLE_CSP).toContain(directive);
    }
    expect(CONSOLE_CSP).not.toContain('unsafe');
  });

  it('sends /admin to /admin/', async () => {
    const res = await fetch(`${t.url}/admin`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/admin/');
    await res.arrayBuffer();
  });

  it('serves the scripts the console page names from /assets/, cached for good, and 404 for others', async () => {
    const page = await (await fetch(`${t.url}/admin/`)).text();
    const scripts = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const path of scripts) {
      const res = await fetch(t.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      // Read to its end: a response left unread holds its connection open, and the service's stop waits for it.
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    for (const path of ['/assets/nope-12345678.js', '/assets/../package.json']) {
      const res = await fetch(t.url + path);
      expect(res.status, path).toBe(404);
      await res.arrayBuffer();
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

  it('answers 503 naming the missing build for the console and the assets', async () => {
    for (const path of ['/admin/', '/admin/templates', '/assets/x.js']) {
      const res = await fetch(t.url + path);
      expect(res.status, path).toBe(503);
      const body = await res.json();
      expect(body.code).toBe('web_not_built');
      expect(body.detail).toContain('npm run build');
      expect(body.detail).not.toContain('/');
    }
  });
});

// The browser tests' parts: Debian's Chromium driven by playwright-core, a host app on another origin than the
// service (its page loads /embed.js; its "backend" makes import sessions), axe-core scans and step screenshots.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { callApi, waitFor } from './service.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOTS = join(ROOT, 'test-results/screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.SHEETHOOK_TEST_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A web directory of this test: the run's embed.js beside the stand-in widget of test/fixtures/web. */
export function standInWebDir(builtWebDir: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sheethook-stand-in-'));
  cpSync(join(ROOT, 'test/fixtures/web'), dir, { recursive: true });
  cpSync(join(builtWebDir, 'embed.js'), join(dir, 'embed.js'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The body a host's backend sends to make a session (POST /v1/import-sessions), with the service's API key. */
export async function createImportSession(serviceUrl: string, body: Record<string, unknown>) {
  const res = await callApi(serviceUrl, 'POST', '/v1/import-sessions', body);
  if (res.status !== 201) throw new Error(`POST /v1/import-sessions answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as { sessionId: string; sessionToken: string; expiresAt: string };
}

export interface HostApp {
  /** http://localhost:<port>: another site than the service on 127.0.0.1. */
  origin: string;
  /** The tokens the backend handed out, and what its `session` answered for each (a session's id, say). */
  tokens: string[];
  sessions: Array<{ sessionToken: string; sessionId?: string }>;
  close(): Promise<void>;
}

export interface HostAppOptions {
  serviceUrl: string;
  /** The host's backend: makes a session and answers its token (only the token goes to the browser). */
  session(hostOrigin: string): Promise<{ sessionToken: string; sessionId?: string }>;
  /** More files the host serves, by path. */
  files?: Record<string, { type: string; body: string | Buffer }>;
}

/**
 * The host page: a button that asks the backend for a session and opens the widget with it. Every callback pushes
 * what it was given to `window.hostEvents` (`{ event: 'closed' }` for onClose), for the test to read.
 */
function hostPage(serviceUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host app</title></head>
<body><main><h1>Host app</h1><button type="button" id="import">Import people</button><p id="after">After the button</p></main>
<script src="${serviceUrl}/embed.js"></script>
<script src="/host.js"></script></body></html>`;
}

const HOST_SCRIPT = `
window.hostEvents = [];
const record = (e) => window.hostEvents.push(e);
document.getElementById('import').addEventListener('click', async () => {
  const res = await fetch('/backend/session', { method: 'POST' });
  const { sessionToken } = await res.json();
  Sheethook.open({
    sessionToken, title: 'Import people', primaryColor: '#0b6e4f', colorScheme: 'light', locale: 'en',
    texts: { heading: 'Import your people' },
    onReady: record, onUploadStarted: record, onUploadCompleted: record, onDeliveryFinished: record, onError: record,
    onClose: () => record({ event: 'closed' }),
  });
});`;

/** A page of the host's origin that, framed by the host page, posts it a widget event: the embed must ignore it. */
const FORGER_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Forger</title></head><body>
<script>parent.postMessage({ type: 'sheethook:event', event: 'delivery-finished', forged: 'by another frame' }, '*');</script>
</body></html>`;

export async function startHostApp(options: HostAppOptions): Promise<HostApp> {
  const tokens: string[] = [];
  const sessions: HostApp['sessions'] = [];
  const files: Record<string, { type: string; body: string | Buffer }> = {
    '/': { type: 'text/html', body: hostPage(options.serviceUrl) },
    '/host.js': { type: 'text/javascript', body: HOST_SCRIPT },
    '/forger.html': { type: 'text/html', body: FORGER_PAGE },
    ...options.files,
  };
  let origin = '';
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/backend/session') {
      options.session(origin).then((session) => {
        const { sessionToken } = session;
        tokens.push(sessionToken);
        sessions.push(session);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sessionToken }));
      }, (err: Error) => res.writeHead(502, { 'content-type': 'text/plain' }).end(err.message));
      return;
    }
    const file = files[path];
    if (!file) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': `${file.type}; charset=utf-8` }).end(file.body);
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    tokens,
    sessions,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The widget's frame in a page: the one whose URL is the service's /widget/. */
export function widgetFrame(page: Page, serviceUrl: string): Frame {
  const frame = page.frames().find((f) => f.url().startsWith(`${serviceUrl}/widget/`));
  if (!frame) throw new Error(`no widget frame; frames: ${page.frames().map((f) => f.url()).join(', ')}`);
  return frame;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string; help: string; nodes: string[] }

/**
 * Runs axe-core in a frame and answers its serious and critical violations. It is evaluated, not added as a script
 * tag, so the widget's CSP (no inline scripts) stays in force for the page itself.
 */
export async function axeViolations(frame: Frame): Promise<AxeViolation[]> {
  await frame.evaluate(AXE_SOURCE);
  return frame.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<any> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n: any) => n.target.join(' ')) }));
  });
}

/** Saves a screenshot of the whole page under test-results/screenshots/, named by the test and its step. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The host page's recorded callbacks. */
export function hostEvents(page: Page): Promise<Array<Record<string, any>>> {
  return page.evaluate(() => (window as unknown as { hostEvents: Array<Record<string, any>> }).hostEvents);
}

/**
 * Presses a key that makes the widget close the modal, the key-up sent once the frame is gone: Chromium's input
 * dispatch may never answer for a frame removed between a key's down and up.
 */
export async function pressToClose(page: Page, key: string): Promise<void> {
  await page.keyboard.down(key);
  await waitFor(async () => (await page.locator('[role="dialog"]').count()) === 0, 'the modal to close');
  await page.keyboard.up(key);
}

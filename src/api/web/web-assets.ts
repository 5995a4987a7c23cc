// Serves the web build on the API role: the import widget at /widget/, the admin console at /admin/, the scripts and
// styles both load at /assets/, and the embed script at /embed.js.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../errors.ts';

/**
 * The widget speaks only to its own origin (the API). `frame-ancestors *`: the page cannot know its session before a
 * host sends `init`, so any page may frame it, and the widget itself refuses an `init` from an origin the session does
 * not allow. Inline styles are allowed because dialog and scroll-lock libraries inject `<style>` elements; scripts
 * are not.
 */
export const WIDGET_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  'frame-ancestors *',
].join('; ');

/**
 * The console runs with an API key's powers (through its session cookie): it loads nothing but its own files, runs
 * no inline script or style, talks only to its own origin, frames only the widget (its "Try import"), and no page may
 * frame it (clickjacking).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite writes every file whose name carries its content hash under assets/: such a URL never changes content. */
const HASHED = /[\\/]assets[\\/]/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

export async function webAssetRoutes(app: FastifyInstance, webDir: string): Promise<void> {
  const widgetDir = join(webDir, 'widget');
  const consolePage = join(webDir, 'admin', 'index.html');
  const assetsDir = join(webDir, 'assets');
  const embedFile = join(webDir, 'embed.js');
  // Where it was looked for goes to the log only: a caller learns nothing of the server's directories.
  const notBuilt = (what: string) => new AppError(503, 'web_not_built', `${what} is not built: the operator runs "npm run build"`);

  // Files for browsers, not API operations: left out of the API reference.
  const hide = { schema: { hide: true } };
  app.get('/widget', hide, (_req, reply) => reply.redirect('/widget/', 301));
  // Registered only on a directory that exists: without a web build (a service run from source) the routes say so.
  if (existsSync(webDir)) await app.register(fastifyStatic, { root: webDir, serve: false });
  if (existsSync(join(widgetDir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: widgetDir,
      prefix: '/widget/',
      decorateReply: false,
      cacheControl: false,
      setHeaders: (res, path) => {
        securityHeaders(res);
        res.setHeader('cache-control', HASHED.test(path.slice(widgetDir.length)) ? IMMUTABLE : 'no-cache');
      },
    });
  } else {
    app.log.warn({ looked: join(widgetDir, 'index.html') }, 'the widget is not built: /widget/ answers 503 until "npm run build" makes it');
    app.get('/widget/*', hide, async () => { throw notBuilt('the widget'); });
  }

  // The scripts and styles of both apps (and the chunks they share), each named by its content's hash.
  if (existsSync(assetsDir)) {
    await app.register(fastifyStatic, {
      root: assetsDir,
      prefix: '/assets/',
      decorateReply: false,
      cacheControl: false,
      setHeaders: (res) => {
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('cache-control', IMMUTABLE);
      },
    });
  } else {
    app.get('/assets/*', hide, async () => { throw notBuilt('the web apps'); });
  }

  // The console routes in the browser: every path below /admin/ is its one page, which shows what the path names.
  app.get('/admin', hide, (_req, reply) => reply.redirect('/admin/', 301));
  const consoleRoute = (_req: unknown, reply: FastifyReply) => {
    if (!existsSync(consolePage)) throw notBuilt('the console');
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', join(webDir, 'admin'), { cacheControl: false });
  };
  app.get('/admin/', hide, consoleRoute);
  app.get('/admin/*', hide, consoleRoute);

  // Hosts load /embed.js by a fixed URL: no-cache keeps them on the current build, its ETag keeps that cheap.
  app.get('/embed.js', hide, (_req, reply) => {
    if (!existsSync(embedFile)) throw notBuilt('the embed script');
    reply.header('cache-control', 'no-cache');
    reply.header('x-content-type-options', 'nosniff');
    return reply.sendFile('embed.js', webDir, { cacheControl: false });
  });
}

function securityHeaders(res: { setHeader(name: string, value: string): unknown }): void {
  res.setHeader('content-security-policy', WIDGET_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
}

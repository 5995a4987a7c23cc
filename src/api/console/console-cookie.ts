// The console session's cookie: read from a request, set by a sign-in, cleared by a sign-out or an ended session.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_COOKIE = 'sheethook_console';

/** The token is base64url: a value of other characters is no token of ours, and is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{1,200}$/;

/** The console token the request's Cookie header carries, if any (the first, should a browser send several). */
export function consoleToken(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== CONSOLE_COOKIE) continue;
    const value = pair.slice(eq + 1).trim();
    return TOKEN.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * HttpOnly: no script of the page can read it. SameSite=Strict: a browser sends it only with requests its own pages
 * make, which console-auth.ts's cross-site rules check again. No Max-Age: it goes when the browser closes, and the session's
 * own ends are kept by the service. Secure over https; a proxy that ends TLS says so in X-Forwarded-Proto (a client
 * that claims https falsely only loses its own cookie: browsers refuse a Secure cookie over http).
 */
export function setConsoleCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.header('set-cookie', cookie(req, `${CONSOLE_COOKIE}=${token}`));
}

export function clearConsoleCookie(req: FastifyRequest, reply: FastifyReply): void {
  reply.header('set-cookie', cookie(req, `${CONSOLE_COOKIE}=; Max-Age=0`));
}

function cookie(req: FastifyRequest, value: string): string {
  return `${value}; HttpOnly; SameSite=Strict; Path=/${isHttps(req) ? '; Secure' : ''}`;
}

function isHttps(req: FastifyRequest): boolean {
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0].trim().toLowerCase();
  return req.protocol === 'https' || proto === 'https';
}

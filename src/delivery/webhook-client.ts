// Sends one webhook request and reports what happened as a value: a response, a timeout, a refused address...
import { isIP } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import { BlockedAddressError, stripBrackets, type AddressGuard } from './address-guard.ts';

export type AttemptOutcome =
  | 'delivered' | 'http_error' | 'timeout' | 'connection_refused' | 'connection_reset'
  | 'dns_error' | 'tls_error' | 'address_blocked' | 'network_error'
  /** Nothing was sent: the request could not be built (no destination, a secret that cannot be read). */
  | 'not_sent';

export interface AttemptResult {
  outcome: AttemptOutcome;
  startedAt: Date;
  durationMs: number;
  httpStatus?: number;
  error?: string;
  responseExcerpt?: string;
  /** The Retry-After header of a failed response, for the retry policy. */
  retryAfter?: string;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  timeoutMs: number;
}

export interface WebhookClient {
  /** `startedAt`: when the attempt started, if the caller already took that moment (to check it against a send slot). */
  send(req: WebhookRequest, startedAt?: Date): Promise<AttemptResult>;
  close(): Promise<void>;
}

/** What of a response body is kept in the delivery log. */
export const EXCERPT_BYTES = 1024;
/** A longer body is not read to its end: the connection is dropped instead. */
const MAX_DRAIN_BYTES = 64 * 1024;

export function createWebhookClient(guard: AddressGuard): WebhookClient {
  const connectBase = buildConnector({ lookup: guard.lookup, timeout: 10_000 });
  const agent = new Agent({
    keepAliveTimeout: 4_000,
    connections: 64,
    // The address check sits where the connection is made, so the checked address is the connected one.
    connect(options, callback) {
      const host = stripBrackets(options.hostname);
      if (isIP(host) && !guard.isAllowed(host)) {
        callback(new BlockedAddressError(host, host), null);
        return;
      }
      connectBase(options, (err, socket) => {
        if (err || !socket) return callback(err ?? new Error('no socket'), null);
        const remote = socket.remoteAddress;
        if (remote && !guard.isAllowed(remote)) {
          socket.destroy();
          return callback(new BlockedAddressError(remote, host), null);
        }
        callback(null, socket);
      });
    },
  });

  async function send(req: WebhookRequest, startedAt = new Date()): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // A timer of our own, cleared as soon as the exchange is over: AbortSignal.timeout's stays until the timeout has
    // passed, answered or not, so at hundreds of requests a second thousands of timers were held at once.
    const timeout = new AbortController();
    const timer = setTimeout(() => {
      timeout.abort(new DOMException(`no response within ${req.timeoutMs} ms`, 'TimeoutError'));
    }, req.timeoutMs);
    timer.unref();
    const { signal } = timeout;
    try {
      const res = await request(req.url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher: agent,
        signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const excerpt = await readExcerpt(res.body);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      const retryAfter = res.headers['retry-after'];
      return {
        outcome: ok ? 'delivered' : 'http_error',
        startedAt,
        durationMs: elapsed(),
        httpStatus: res.statusCode,
        responseExcerpt: excerpt,
        ...(ok ? {} : { error: `HTTP ${res.statusCode}` }),
        ...(!ok && retryAfter !== undefined ? { retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter } : {}),
      };
    } catch (err) {
      return { ...classifyError(err, req.timeoutMs), startedAt, durationMs: elapsed() };
    } finally {
      clearTimeout(timer);
    }
  }

  return { send, close: () => agent.close() };
}

async function readExcerpt(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    if (keptBytes < EXCERPT_BYTES) {
      kept.push(chunk.subarray(0, EXCERPT_BYTES - keptBytes));
      keptBytes += kept[kept.length - 1].length;
    }
    if (seen > MAX_DRAIN_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(kept).toString('utf8');
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);

export function classifyError(err: unknown, timeoutMs: number): Pick<AttemptResult, 'outcome' | 'error'> {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (err instanceof BlockedAddressError || code === 'ERR_ADDRESS_BLOCKED') return { outcome: 'address_blocked', error: e.message };
  if (e.name === 'TimeoutError' || TIMEOUT_CODES.has(code)) return { outcome: 'timeout', error: `no response within ${timeoutMs} ms` };
  if (code === 'ECONNREFUSED') return { outcome: 'connection_refused', error: 'connection refused' };
  if (RESET_CODES.has(code)) return { outcome: 'connection_reset', error: `connection closed by the receiver (${code})` };
  if (DNS_CODES.has(code)) return { outcome: 'dns_error', error: `host name could not be resolved (${code})` };
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return { outcome: 'tls_error', error: `TLS error (${code})` };
  }
  return { outcome: 'network_error', error: code ? `${code}: ${e.message ?? ''}` : String(e.message ?? err) };
}

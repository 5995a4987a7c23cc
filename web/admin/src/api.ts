// The one client of the public API the console speaks: its session cookie goes with every call (same origin), and an
// answer that says the session ended takes the person back to the sign-in page.
import { ApiError, apiError } from '../../shared/api-error.ts';

export { ApiError };

export type { Column, ColumnType, ConsoleSession, Upload, UploadStatus } from '../../shared/api-types.ts';
import type { Column, ConsoleSession, Upload } from '../../shared/api-types.ts';

export interface Template { code: string; name: string; columns: Column[]; createdAt: string; updatedAt: string }

export type RetryBackoff = 'fixed' | 'exponential';

export interface WebhookSettings {
  callbackUrl: string;
  chunkSize: number;
  authHeaderName: string | null;
  retryCount: number;
  retryInterval: number;
  retryBackoff: RetryBackoff;
  timeoutMs: number;
  concurrency: number;
  maxRequestsPerSecond: number | null;
}

export interface Destination {
  webhook: WebhookSettings;
  paused?: boolean;
  pausedAt?: string | null;
  /** Only in the answer that made the destination. */
  signingSecret?: string;
  warnings?: string[];
}

export interface TestDelivery {
  webhookId: string;
  outcome: string;
  httpStatus: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

export interface RotatedSecret { signingSecret: string; previousSecretExpiresAt: string | null }

export interface Paged { total: number; offset: number; limit: number; nextOffset: number | null }

export interface Attempt {
  at: string;
  durationMs: number | null;
  outcome: string;
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface PageLog { page: number; status: string; webhookId: string; recordCount: number; attempts: Attempt[] }

export interface Deliveries { uploadId: string; pages: PageLog[]; total: number; fromPage: number; limit: number; nextFromPage: number | null }

export interface ApiKey { id: string; prefix: string | null; name: string | null; createdAt: string; lastUsedAt: string | null }

export interface StatsPoint {
  at: string;
  attempts: number;
  delivered: number;
  failedAttempts: number;
  successRate: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  rowsImported: number;
}

export interface Stats {
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  totals: {
    attempts: number;
    delivered: number;
    failed: number;
    successRate: number | null;
    p50Ms: number | null;
    p95Ms: number | null;
    rowsImported: number;
    uploads: number;
    outcomes?: Record<string, number>;
  };
  series: StatsPoint[];
}

export interface UploadFilter { status?: string; template?: string; from?: string; to?: string; offset?: number; limit?: number }

/** Codes of a 401 that mean the console's session is over (expired, signed out elsewhere, its key revoked). */
const SESSION_ENDED = new Set(['session_expired', 'unauthorized']);

const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');
const query = (params: Record<string, string | number | undefined>) => {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') q.set(name, String(value));
  const text = q.toString();
  return text ? `?${text}` : '';
};

export class Api {
  constructor(private readonly onSessionEnded: (error: ApiError) => void) {}

  /** The key goes in this one request body and nowhere else: the answer's cookie is the session from then on. */
  signIn(apiKey: string): Promise<ConsoleSession> {
    return this.call('POST', '/v1/console/sessions', { apiKey }, { signingIn: true });
  }
  currentSession(): Promise<ConsoleSession> { return this.call('GET', '/v1/console/sessions/current', undefined, { signingIn: true }); }
  signOut(): Promise<void> { return this.call('DELETE', '/v1/console/sessions/current'); }

  templates(): Promise<{ templates: Template[] }> { return this.call('GET', '/v1/templates'); }
  template(code: string): Promise<Template> { return this.call('GET', `/v1/templates/${path(code)}`); }
  createTemplate(body: { code: string; name: string; columns: Column[] }): Promise<Template> { return this.call('POST', '/v1/templates', body); }
  updateTemplate(code: string, body: { name: string; columns: Column[] }): Promise<Template> {
    return this.call('PATCH', `/v1/templates/${path(code)}`, body);
  }
  deleteTemplate(code: string): Promise<void> { return this.call('DELETE', `/v1/templates/${path(code)}`); }

  destination(code: string): Promise<Destination> { return this.call('GET', `/v1/templates/${path(code)}/destination`); }
  saveDestination(code: string, webhook: Partial<WebhookSettings> & { callbackUrl: string }): Promise<Destination> {
    return this.call('PUT', `/v1/templates/${path(code)}/destination`, { webhook });
  }
  deleteDestination(code: string): Promise<void> { return this.call('DELETE', `/v1/templates/${path(code)}/destination`); }
  pauseDestination(code: string): Promise<Destination> { return this.call('POST', `/v1/templates/${path(code)}/destination/pause`); }
  resumeDestination(code: string): Promise<Destination> { return this.call('POST', `/v1/templates/${path(code)}/destination/resume`); }
  testDestination(code: string, authHeaderValue?: string): Promise<TestDelivery> {
    return this.call('POST', `/v1/templates/${path(code)}/destination/test`, authHeaderValue ? { authHeaderValue } : null);
  }
  rotateSecret(code: string, graceSeconds: number): Promise<RotatedSecret> {
    return this.call('POST', `/v1/templates/${path(code)}/destination/rotate-secret`, { graceSeconds });
  }

  createImportSession(body: { template: string; allowedOrigins: string[]; expiresInSeconds?: number }): Promise<{ sessionId: string; sessionToken: string; expiresAt: string }> {
    return this.call('POST', '/v1/import-sessions', body);
  }

  uploads(filter: UploadFilter): Promise<Paged & { uploads: Upload[] }> {
    return this.call('GET', `/v1/uploads${query({ ...filter })}`);
  }
  upload(id: string): Promise<Upload> { return this.call('GET', `/v1/uploads/${path(id)}`); }
  deliveries(id: string, fromPage: number, limit: number): Promise<Deliveries> {
    return this.call('GET', `/v1/uploads/${path(id)}/deliveries${query({ fromPage, limit })}`);
  }
  redeliver(id: string, pages: number[] | null): Promise<{ uploadId: string; status: string; pages: number[] }> {
    return this.call('POST', `/v1/uploads/${path(id)}/redeliver`, pages ? { pages } : null);
  }
  cancelUpload(id: string): Promise<Upload> { return this.call('POST', `/v1/uploads/${path(id)}/cancel`); }

  apiKeys(): Promise<{ apiKeys: ApiKey[] }> { return this.call('GET', '/v1/api-keys'); }
  createApiKey(name: string | undefined): Promise<ApiKey & { key: string }> { return this.call('POST', '/v1/api-keys', name ? { name } : null); }
  revokeApiKey(id: string): Promise<void> { return this.call('DELETE', `/v1/api-keys/${path(id)}`); }

  stats(params: { from: string; to: string; bucket: 'hour' | 'day' }): Promise<Stats> {
    return this.call('GET', `/v1/stats${query(params)}`);
  }

  private async call<T>(method: string, url: string, body?: unknown, options: { signingIn?: boolean } = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      // same-origin: the session cookie goes, and the browser adds the Origin and Sec-Fetch-Site the API checks.
      res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'network_error', 'the service could not be reached; check the connection and try again');
    }
    const text = await res.text();
    let parsed: unknown = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON: described by its status */ }
    if (res.ok) return parsed as T;
    const error = apiError(res.status, parsed);
    if (res.status === 401 && SESSION_ENDED.has(error.code) && !options.signingIn) this.onSessionEnded(error);
    throw error;
  }
}

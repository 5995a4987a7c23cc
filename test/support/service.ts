// Starts a real sheethook service in this process, in a fresh home: the embedded store, or a fresh PostgreSQL
// database when SHEETHOOK_TEST_DATABASE_URL is set.
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { createService, type Service } from '../../src/service.ts';
import { makeServiceHome, type ServiceHome } from './home.ts';

export const API_KEY = 'sk_test_key';

export interface TestService {
  service: Service;
  url: string;
  dataDir: string;
  /** On PostgreSQL, the service's database; undefined on the embedded store. */
  databaseUrl?: string;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Stops the service and removes its home, unless the home was given (then its owner removes it). */
  stop(): Promise<void>;
}

/** The environment every test service runs with: loopback receivers allowed, quick polling. */
export function testEnv(dataDir: string, port: number): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    SHEETHOOK_DATA_DIR: dataDir,
    SHEETHOOK_API_KEY: API_KEY,
    SHEETHOOK_DESTINATION_ALLOWLIST: '127.0.0.0/8',
    SHEETHOOK_POLL_INTERVAL_MS: '50',
  };
}

/** `logTo`: where the service's log lines go (at LOG_LEVEL, default silent), for a test that reads them. */
export async function startService(
  env: Record<string, string> = {}, sharedHome?: ServiceHome, logTo?: pino.DestinationStream,
): Promise<TestService> {
  const home = sharedHome ?? await makeServiceHome();
  const removeHome = () => (sharedHome ? Promise.resolve() : home.remove());
  let service: Service | undefined;
  try {
    const config = loadConfig({ ...testEnv(home.dataDir, 0), ...home.env, ...env });
    service = await createService(config, logTo ? pino({ level: env.LOG_LEVEL ?? 'silent' }, logTo) : pino({ level: env.LOG_LEVEL ?? 'silent' }));
    const url = await service.start();
    const started = service;
    return {
      service: started,
      url,
      dataDir: home.dataDir,
      databaseUrl: home.databaseUrl,
      api: (method, path, body) => callApi(url, method, path, body),
      async stop() {
        try {
          await started.stop();
        } finally {
          await removeHome();
        }
      },
    };
  } catch (err) {
    await service?.stop().catch(() => {});
    await removeHome();
    throw err;
  }
}

export async function callApi(url: string, method: string, path: string, body?: unknown, key = API_KEY) {
  const isForm = body instanceof FormData;
  const res = await fetch(url + path, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Waits until `probe` returns something truthy; fails with the last value seen. */
export async function waitFor<T>(probe: () => Promise<T> | T, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/** Polls an upload until it reaches a final status. */
export async function waitForFinal(t: Pick<TestService, 'api'>, uploadId: string, timeoutMs = 20_000) {
  return waitFor(async () => {
    const { body } = await t.api('GET', `/v1/uploads/${uploadId}`);
    return ['completed', 'completed_with_failures', 'failed'].includes(body.status) ? body : undefined;
  }, `upload ${uploadId} to finish`, timeoutMs);
}

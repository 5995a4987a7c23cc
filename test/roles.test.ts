// What each role serves: a worker answers only /health and /metrics, an api process the whole API; the embedded store
// runs everything in one process and refuses to start as anything else.
import { afterAll, expect, it } from 'vitest';
import { makeServiceHome, TEST_STORE, type ServiceHome } from './support/home.ts';
import { freePort, startProcess } from './support/process.ts';
import { startService, type TestService } from './support/service.ts';

const onPostgres = TEST_STORE === 'postgres';
const started: TestService[] = [];
let home: ServiceHome | undefined;

afterAll(async () => {
  for (const t of started) await t.stop();
  await home?.remove();
});

it.runIf(onPostgres)('a worker answers /health and /metrics and serves no API route (PostgreSQL only: roles need a server)', async () => {
  const worker = await startService({ SHEETHOOK_ROLE: 'worker' });
  started.push(worker);
  const health = await fetch(`${worker.url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: 'ok', role: 'worker' });
  const metrics = await fetch(`${worker.url}/metrics`);
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain('sheethook_chunks');
  // With a valid key or none: the route is not there, whatever the caller sends.
  for (const [method, path] of [['GET', '/v1/templates'], ['POST', '/v1/imports'], ['GET', '/v1/uploads']]) {
    const res = await worker.api(method, path);
    expect(res.status, `${method} ${path}`).toBe(404);
    expect(res.body.code).toBe('not_found');
  }
});

it.runIf(onPostgres)('an api process serves the API (PostgreSQL only: roles need a server)', async () => {
  const api = await startService({ SHEETHOOK_ROLE: 'api' });
  started.push(api);
  expect(await (await fetch(`${api.url}/health`)).json()).toEqual({ status: 'ok', role: 'api' });
  const templates = await api.api('GET', '/v1/templates');
  expect(templates).toEqual({ status: 200, body: { templates: [] } });
});

it('serves everything from one process by default', async () => {
  const all = await startService();
  started.push(all);
  expect(await (await fetch(`${all.url}/health`)).json()).toEqual({ status: 'ok', role: 'all' });
  expect((await all.api('GET', '/v1/templates')).status).toBe(200);
  expect(all.service.store.kind).toBe(TEST_STORE);
});

it('will not start as a worker on the embedded store, and says why', async () => {
  home = await makeServiceHome();
  // DATABASE_URL emptied: on PostgreSQL too, this process gets the embedded store.
  const starting = startProcess(home, await freePort(), { SHEETHOOK_ROLE: 'worker', DATABASE_URL: '' });
  await expect(starting).rejects.toThrow(/sheethook exited with 1:\s+sheethook: SHEETHOOK_ROLE=worker needs DATABASE_URL/);
});

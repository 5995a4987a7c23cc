// The key printed at first start stays valid when SHEETHOOK_API_KEY is set later (a key is added, none replaced), until it is revoked.
import { afterAll, expect, it } from 'vitest';
import { makeServiceHome, type ServiceHome } from './support/home.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { callApi } from './support/service.ts';

let home: ServiceHome | undefined;
let running: ServiceProcess | undefined;

afterAll(async () => {
  await running?.kill();
  await home?.remove();
});

it('prints a key at first start only; SHEETHOOK_API_KEY set later adds a second key and the printed one works until revoked', { timeout: 180_000 }, async () => {
  home = await makeServiceHome();
  running = await startProcess(home, await freePort(), { SHEETHOOK_API_KEY: '' });
  const printed = /the API key of the default project is\s+(sk_[A-Za-z0-9_-]{32})\s/.exec(running.output())?.[1];
  expect(printed, running.output()).toBeDefined();
  expect((await callApi(running.url, 'GET', '/v1/templates', undefined, printed)).status).toBe(200);
  await running.kill('SIGTERM');

  const chosen = 'sk_chosen_by_the_operator_0123456789';
  running = await startProcess(home, await freePort(), { SHEETHOOK_API_KEY: chosen });
  expect(running.output()).not.toMatch(/the API key of the default project is/);
  const { url } = running;
  expect((await callApi(url, 'GET', '/v1/templates', undefined, printed)).status).toBe(200);
  expect((await callApi(url, 'GET', '/v1/templates', undefined, chosen)).status).toBe(200);

  const keys = (await callApi(url, 'GET', '/v1/api-keys', undefined, chosen)).body.apiKeys;
  expect(keys).toEqual([
    expect.objectContaining({ prefix: printed!.slice(0, 11), name: 'generated at first start' }),
    expect.objectContaining({ prefix: null, name: 'SHEETHOOK_API_KEY' }),
  ]);
  expect((await callApi(url, 'DELETE', `/v1/api-keys/${keys[0].id}`, undefined, chosen)).status).toBe(204);
  expect((await callApi(url, 'GET', '/v1/templates', undefined, printed)).status).toBe(401);
  expect((await callApi(url, 'GET', '/v1/templates', undefined, chosen)).status).toBe(200);
});

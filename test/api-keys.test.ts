// API keys: made and shown once, listed by prefix without the key, revoked at once, never the project's last one.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addApiKey } from '../src/store/projects-queries.ts';
import { projects } from '../src/store/schema.ts';
import { TEST_STORE, makeServiceHome, type ServiceHome } from './support/home.ts';
import { API_KEY, callApi, startService, waitFor, type TestService } from './support/service.ts';

let t: TestService;

beforeAll(async () => { t = await startService(); });
afterAll(async () => { await t?.stop(); });

const withKey = (key: string, method: string, path: string, body?: unknown) => callApi(t.url, method, path, body, key);
const listKeys = async () => (await t.api('GET', '/v1/api-keys')).body.apiKeys as Record<string, unknown>[];

it('creates a key that is answered once and works at once; the list shows its prefix and name, never the key or its hash', async () => {
  const made = await t.api('POST', '/v1/api-keys', { name: 'ci' });
  expect(made.status).toBe(201);
  expect(made.body).toEqual({
    id: expect.stringMatching(/^[0-9a-f-]{36}$/), key: expect.stringMatching(/^sk_[A-Za-z0-9_-]{32}$/),
    prefix: made.body.key.slice(0, 11), name: 'ci', createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
  expect((await withKey(made.body.key, 'GET', '/v1/templates')).status).toBe(200);

  const listed = await t.api('GET', '/v1/api-keys');
  const text = JSON.stringify(listed.body);
  expect(text).not.toContain(made.body.key);
  expect(text).not.toContain(createHash('sha256').update(made.body.key).digest('hex'));
  expect(listed.body.apiKeys).toContainEqual({
    id: made.body.id, prefix: made.body.prefix, name: 'ci', createdAt: made.body.createdAt, lastUsedAt: expect.any(String),
  });
  // The key the service was started with: chosen by the operator, so no prefix of it is kept.
  expect(listed.body.apiKeys).toContainEqual(expect.objectContaining({ prefix: null, name: 'SHEETHOOK_API_KEY' }));

  const unnamed = await t.api('POST', '/v1/api-keys');
  expect(unnamed.status).toBe(201);
  expect(unnamed.body.name).toBeNull();
  expect(unnamed.body.key).not.toBe(made.body.key);
  for (const bad of [{ name: '' }, { name: 'x', key: 'sk_mine' }]) {
    const res = await t.api('POST', '/v1/api-keys', bad);
    expect(res.status, JSON.stringify(bad)).toBe(400);
  }
});

it('records when a key was last used on its first request, and does not write it again on every request', async () => {
  const { body: made } = await t.api('POST', '/v1/api-keys', { name: 'quiet' });
  const lastUsed = async () => (await listKeys()).find((k) => k.id === made.id)!.lastUsedAt;
  expect(await lastUsed()).toBeNull();
  await withKey(made.key, 'GET', '/v1/templates');
  const first = await lastUsed();
  expect(first).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
  for (let i = 0; i < 5; i++) expect((await withKey(made.key, 'GET', '/v1/templates')).status).toBe(200);
  expect(await lastUsed()).toBe(first);
});

it('a revoked key stops working at once, even the key that revoked itself; an unknown id is 404', async () => {
  const { body: a } = await t.api('POST', '/v1/api-keys', { name: 'a' });
  expect((await withKey(a.key, 'GET', '/v1/templates')).status).toBe(200);
  expect((await t.api('DELETE', `/v1/api-keys/${a.id}`)).status).toBe(204);
  const refused = await withKey(a.key, 'GET', '/v1/templates');
  expect(refused.status).toBe(401);
  expect(refused.body.code).toBe('unauthorized');
  expect((await listKeys()).map((k) => k.id)).not.toContain(a.id);

  const { body: b } = await t.api('POST', '/v1/api-keys', { name: 'b' });
  expect((await withKey(b.key, 'DELETE', `/v1/api-keys/${b.id}`)).status).toBe(204);
  expect((await withKey(b.key, 'GET', '/v1/templates')).status).toBe(401);

  expect((await t.api('DELETE', `/v1/api-keys/${a.id}`)).status).toBe(404);
  expect((await t.api('DELETE', '/v1/api-keys/not-a-key-id')).status).toBe(400);
});

it('sees and revokes only its own project\'s keys, and refuses to revoke a project\'s last key', async () => {
  const [other] = await t.service.store.db.insert(projects).values({ name: 'Other' }).returning();
  await addApiKey(t.service.store.db, other.id, 'sk_other_project_key');
  const otherList = (await withKey('sk_other_project_key', 'GET', '/v1/api-keys')).body.apiKeys;
  expect(otherList).toHaveLength(1);
  const defaultKeys = await listKeys();
  expect(defaultKeys.map((k) => k.id)).not.toContain(otherList[0].id);
  expect((await withKey('sk_other_project_key', 'DELETE', `/v1/api-keys/${defaultKeys[0].id}`)).status).toBe(404);

  const last = await withKey('sk_other_project_key', 'DELETE', `/v1/api-keys/${otherList[0].id}`);
  expect(last.status).toBe(409);
  expect(last.body).toMatchObject({ code: 'last_api_key', detail: expect.stringMatching(/last API key/) });
  expect((await withKey('sk_other_project_key', 'GET', '/v1/api-keys')).status).toBe(200);

  // Down to the one key of the default project: it stays too.
  const started = defaultKeys.find((k) => k.name === 'SHEETHOOK_API_KEY')!;
  for (const k of defaultKeys) if (k.id !== started.id) expect((await t.api('DELETE', `/v1/api-keys/${k.id}`)).status).toBe(204);
  expect((await t.api('DELETE', `/v1/api-keys/${started.id}`)).status).toBe(409);
  expect((await callApi(t.url, 'GET', '/v1/api-keys', undefined, API_KEY)).body.apiKeys).toHaveLength(1);
});

it.runIf(TEST_STORE === 'postgres')('another process sharing the database stops taking a revoked key within its cache time (PostgreSQL only: the embedded store is one process)', async () => {
  let home: ServiceHome | undefined;
  const started: TestService[] = [];
  try {
    home = await makeServiceHome();
    const one = await startService({}, home);
    started.push(one);
    const two = await startService({}, home);
    started.push(two);
    const { body: made } = await one.api('POST', '/v1/api-keys', { name: 'shared' });
    expect((await callApi(two.url, 'GET', '/v1/templates', undefined, made.key)).status).toBe(200);
    expect((await one.api('DELETE', `/v1/api-keys/${made.id}`)).status).toBe(204);
    await waitFor(async () => (await callApi(two.url, 'GET', '/v1/templates', undefined, made.key)).status === 401,
      'the other process to refuse the revoked key');
  } finally {
    for (const s of started) await s.stop();
    await home?.remove();
  }
});

// Templates are created, read, changed and deleted through the API, behind the API key, scoped to its project.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addApiKey } from '../src/store/projects-queries.ts';
import { projects } from '../src/store/schema.ts';
import { callApi, startService, type TestService } from './support/service.ts';

let t: TestService;
const columns = [
  { key: 'sku', name: 'SKU', type: 'regex', regex: '^[A-Z]{3}-\\d+$', required: true, unique: true },
  { key: 'size', name: 'Size', type: 'select', selectValues: ['S', 'M', 'L'] },
];

beforeAll(async () => { t = await startService(); });
afterAll(async () => { await t?.stop(); });

describe('templates', () => {
  it('answers /health without a key, and every /v1 route only with a valid one', async () => {
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    const none = await fetch(`${t.url}/v1/templates`);
    expect(none.status).toBe(401);
    expect((await none.json()).detail).toMatch(/Authorization: Bearer/);
    expect((await callApi(t.url, 'GET', '/v1/templates', undefined, 'sk_wrong')).status).toBe(401);
  });

  it('creates, lists, reads, changes and deletes a template, with defaults filled in', async () => {
    const created = await t.api('POST', '/v1/templates', { code: 'products', name: 'Products', columns });
    expect(created.status).toBe(201);
    expect(created.body.columns[1]).toEqual({ key: 'size', name: 'Size', type: 'select', selectValues: ['S', 'M', 'L'], required: false, unique: false, alternateKeys: [] });
    expect((await t.api('GET', '/v1/templates')).body.templates.map((x: { code: string }) => x.code)).toContain('products');
    expect((await t.api('GET', '/v1/templates/products')).body.name).toBe('Products');
    const patched = await t.api('PATCH', '/v1/templates/products', { name: 'Catalogue' });
    expect(patched.body).toMatchObject({ code: 'products', name: 'Catalogue' });
    expect((await t.api('POST', '/v1/templates', { code: 'products', name: 'Again', columns })).status).toBe(409);
    expect((await t.api('DELETE', '/v1/templates/products')).status).toBe(204);
    expect((await t.api('GET', '/v1/templates/products')).status).toBe(404);
  });

  it('refuses a bad template with a 400 that names the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ code: 'x', name: 'X', columns: [] }, /columns/],
      [{ code: 'has space', name: 'X', columns }, /code/],
      [{ code: 'x', name: 'X', columns: [{ key: 'a', name: 'A', type: 'colour' }] }, /type/],
      [{ code: 'x', name: 'X', columns: [{ key: 'a', name: 'A', type: 'select' }] }, /columns\/0\/selectValues/],
      [{ code: 'x', name: 'X', columns: [{ key: 'a', name: 'A', type: 'regex', regex: '(' }] }, /columns\/0\/regex/],
      [{ code: 'x', name: 'X', columns: [{ key: 'a', name: 'A' }, { key: 'A', name: 'B' }] }, /columns\/1\/key/],
      [{ code: 'x', name: 'X', columns, surprise: true }, /"surprise" is not a property/],
    ];
    for (const [body, field] of cases) {
      const res = await t.api('POST', '/v1/templates', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail).toMatch(field);
    }
  });

  it("never shows one project's templates to another project's key", async () => {
    await t.api('POST', '/v1/templates', { code: 'mine', name: 'Mine', columns });
    const db = t.service.store.db;
    const [other] = await db.insert(projects).values({ name: 'Other' }).returning();
    await addApiKey(db, other.id, 'sk_other_project');
    const theirs = await callApi(t.url, 'GET', '/v1/templates', undefined, 'sk_other_project');
    expect(theirs.status).toBe(200);
    expect(theirs.body.templates).toEqual([]);
    expect((await callApi(t.url, 'GET', '/v1/templates/mine', undefined, 'sk_other_project')).status).toBe(404);
    expect((await callApi(t.url, 'POST', '/v1/templates', { code: 'mine', name: 'Theirs', columns }, 'sk_other_project')).status).toBe(201);
  });
});

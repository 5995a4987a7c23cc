// Column rules through the template API: stored and returned as given, and refused with a 400 naming the field when they disagree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './support/service.ts';

let t: TestService;
beforeAll(async () => { t = await startService(); });
afterAll(async () => { await t?.stop(); });

const base = { key: 'value', name: 'Value' };
const template = (code: string, ...columns: unknown[]) => ({ code, name: code, columns });

describe('template column rules', () => {
  it('stores every rule and returns it as given, defaults with their JSON types', async () => {
    const columns = [
      { key: 'age', name: 'Age', type: 'integer', min: 18, max: 65, defaultValue: 30 },
      { key: 'zip', name: 'Zip', type: 'string', minLength: 4, maxLength: 10, defaultValue: '00123' },
      { key: 'born', name: 'Born', type: 'date', dateFormats: ['DD/MM/YYYY', 'MM-DD-YY'] },
      { key: 'tags', name: 'Tags', type: 'select', selectValues: ['a', 'b'], multiSelect: true, delimiter: ';', defaultValue: 'a;b' },
      { key: 'active', name: 'Active', type: 'boolean', required: true, defaultValue: true },
    ];
    const created = await t.api('POST', '/v1/templates', template('ruled', ...columns));
    expect(created.status).toBe(201);
    const read = await t.api('GET', '/v1/templates/ruled');
    expect(read.body.columns).toEqual(columns.map((c) => ({ required: false, unique: false, alternateKeys: [], ...c })));
    // Coercion of request bodies leaves a default's type alone: "00123" stays text, 30 and true stay what they are.
    expect(read.body.columns[1].defaultValue).toBe('00123');
    expect(read.body.columns[0].defaultValue).toBe(30);
    expect(read.body.columns[4].defaultValue).toBe(true);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['min above max', { type: 'number', min: 10, max: 1 }, /^columns\/1\/min: min \(10\) is greater than max \(1\)$/],
    ['min on text', { type: 'string', min: 1 }, /^columns\/1\/min: /],
    ['minLength above maxLength', { type: 'email', minLength: 9, maxLength: 3 }, /^columns\/1\/minLength: /],
    ['maxLength on a number', { type: 'number', maxLength: 3 }, /^columns\/1\/maxLength: /],
    ['dateFormats on a non-date', { type: 'string', dateFormats: ['DD/MM/YYYY'] }, /^columns\/1\/dateFormats: dateFormats applies to date columns only/],
    ['a format in the wrong case', { type: 'date', dateFormats: ['YYYY-MM-DD', 'dd.mm.yyyy'] }, /^columns\/1\/dateFormats\/1: "dd\.mm\.yyyy": "d" is not a token/],
    ['multiSelect on text', { type: 'string', multiSelect: true }, /^columns\/1\/multiSelect: /],
    ['a delimiter without multiSelect', { type: 'select', selectValues: ['a'], delimiter: ';' }, /^columns\/1\/delimiter: /],
    ['a value holding the delimiter', { type: 'select', selectValues: ['a', 'b,c'], multiSelect: true }, /^columns\/1\/selectValues\/1: /],
    ['a default of the wrong type', { type: 'integer', defaultValue: 'many' }, /^columns\/1\/defaultValue: the default "many" is not valid: Value must be a whole number$/],
    ['a default out of bounds', { type: 'integer', max: 5, defaultValue: 6 }, /^columns\/1\/defaultValue: .*at most 5/],
    ['a default not among the values', { type: 'select', selectValues: ['a'], defaultValue: 'z' }, /^columns\/1\/defaultValue: /],
    ['a default that is an object', { type: 'string', defaultValue: { a: 1 } }, /^columns\/1\/defaultValue: must be a string, a number or a boolean$/],
    ['an empty default', { type: 'string', defaultValue: '' }, /^columns\/1\/defaultValue: /],
  ])('refuses %s, naming the field', async (_, rules, field) => {
    const body = template('bad', { key: 'ok', name: 'Ok' }, { ...base, ...rules });
    const res = await t.api('POST', '/v1/templates', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_request' });
    expect(res.body.detail).toMatch(field);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['a negative minLength', { minLength: -1 }, /minLength/],
    ['a maxLength of 0', { maxLength: 0 }, /maxLength/],
    ['an empty list of formats', { type: 'date', dateFormats: [] }, /dateFormats/],
    ['an empty delimiter', { type: 'select', selectValues: ['a'], multiSelect: true, delimiter: '' }, /delimiter/],
    ['a min that is no number', { type: 'number', min: 'low' }, /min/],
  ])('refuses %s by schema', async (_, rules, field) => {
    const res = await t.api('POST', '/v1/templates', template('bad', { ...base, ...rules }));
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(field);
  });

  it('checks the rules of changed columns too', async () => {
    await t.api('POST', '/v1/templates', template('patched', { ...base, type: 'integer' }));
    const res = await t.api('PATCH', '/v1/templates/patched', { columns: [{ ...base, type: 'integer', min: 3, max: 2 }] });
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/^columns\/0\/min: /);
    expect((await t.api('GET', '/v1/templates/patched')).body.columns[0]).not.toHaveProperty('min');
  });
});

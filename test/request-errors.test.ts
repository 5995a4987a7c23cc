// A refused request is told exactly what is wrong, once: the field and what it must be, the content type to send;
// JSON bodies are typed strictly, and an empty JSON body where none is needed is no body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { API_KEY, startService, type TestService } from './support/service.ts';

let t: TestService;
let receiver: Receiver;
const destination = '/v1/templates/people/destination';

beforeAll(async () => {
  t = await startService();
  receiver = await startReceiver();
  expect((await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
  expect((await t.api('PUT', destination, { webhook: { callbackUrl: receiver.url, chunkSize: 10 } })).status).toBe(200);
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

/** A request as a client sends it, with exactly this content type (or none) and these bytes. */
async function raw(method: string, path: string, contentType: string | undefined, body?: string) {
  const res = await fetch(t.url + path, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, ...(contentType ? { 'content-type': contentType } : {}) },
    // Bytes, not a string: fetch would label a string text/plain by itself.
    body: body === undefined ? undefined : new TextEncoder().encode(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function refused(method: string, path: string, body: unknown, detail: string) {
  const res = await t.api(method, path, body);
  expect(res.status, JSON.stringify(body)).toBe(400);
  expect(res.body).toEqual({ code: 'invalid_request', detail });
}

const template = (column: Record<string, unknown>) => ({ code: 'bad', name: 'Bad', columns: [{ key: 'a', name: 'A', ...column }] });

describe('one message per refused field', () => {
  it('lists the allowed column types for an unknown one', async () => {
    await refused('POST', '/v1/templates', template({ type: 'colour' }),
      'columns/0/type: must be one of string, number, integer, boolean, date, email, select, regex, not "colour"');
  });

  it('names an unknown property, and suggests the one meant when it is a slip', async () => {
    await refused('POST', '/v1/templates', template({ requried: true }), 'columns/0: "requried" is not a property; did you mean "required"?');
    await refused('PUT', destination, { webhook: { callbackUrl: receiver.url, ChunkSize: 5 } },
      'webhook: "ChunkSize" is not a property; did you mean "chunkSize"?');
    await refused('POST', '/v1/templates', { ...template({}), surprise: true }, 'body: "surprise" is not a property; the properties are code, name, columns');
  });

  it('says what a value must be, not which schema branches failed', async () => {
    const rotate = `${destination}/rotate-secret`;
    await refused('POST', rotate, { graceSeconds: 604_801 }, 'graceSeconds: must be at most 604800, not 604801');
    await refused('POST', rotate, { graceSeconds: -1 }, 'graceSeconds: must be at least 0, not -1');
    await refused('POST', rotate, { grace: 60 }, 'body: "grace" is not a property; the properties are graceSeconds');
    await refused('POST', rotate, 'soon', 'body: must be null or an object, not a string');
    await refused('POST', `${destination}/test`, { authHeaderValue: 5 }, 'authHeaderValue: must be a string, not 5');
    await refused('PUT', destination, { webhook: { callbackUrl: receiver.url, maxRequestsPerSecond: 'fast' } },
      'webhook/maxRequestsPerSecond: must be an integer or null, not a string');
    await refused('PUT', destination, { webhook: { callbackUrl: receiver.url, retryBackoff: 'linear' } },
      'webhook/retryBackoff: must be one of fixed, exponential, not "linear"');
    await refused('PUT', destination, { webhook: { callbackUrl: receiver.url, retryInterval: 1.5 } }, 'webhook/retryInterval: must be an integer, not 1.5');
    await refused('PUT', destination, {}, 'webhook: is required');
    await refused('PATCH', '/v1/templates/people', {}, 'body: give at least one of name, columns');
    await refused('POST', '/v1/templates', { code: 'has space', name: 'X', columns: PEOPLE_COLUMNS }, 'code: must match ^[A-Za-z0-9_-]+$, not "has space"');
  });

  it('names path and query parameters the same way', async () => {
    const upload = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: peopleCsv(3) }));
    expect(upload.status).toBe(201);
    await refused('GET', '/v1/uploads/not-an-id', undefined, 'uploadId: must be a uuid, not "not-an-id"');
    await refused('DELETE', `/v1/uploads/${upload.body.uploadId}/records/first`, undefined, 'row: must be an integer, not a string');
    await refused('GET', `/v1/uploads/${upload.body.uploadId}/records?type=broken`, undefined, 'type: must be one of all, valid, invalid, not "broken"');
    await refused('GET', `/v1/uploads/${upload.body.uploadId}/records?limt=5`, undefined, 'querystring: "limt" is not a property; did you mean "limit"?');
  });
});

describe('JSON bodies are typed strictly', () => {
  it('refuses a number or a boolean sent as a string, naming the field, and changes nothing', async () => {
    await refused('PUT', destination, { webhook: { callbackUrl: receiver.url, chunkSize: '100' } }, 'webhook/chunkSize: must be an integer, not a string');
    expect((await t.api('GET', destination)).body.webhook.chunkSize).toBe(10);
    await refused('POST', '/v1/templates', template({ required: 'true' }), 'columns/0/required: must be a boolean, not a string');
    expect((await t.api('GET', '/v1/templates/bad')).status).toBe(404);
    await refused('POST', `${destination}/rotate-secret`, { graceSeconds: '60' }, 'graceSeconds: must be an integer, not a string');
    const upload = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: peopleCsv(3) }));
    await refused('POST', `/v1/uploads/${upload.body.uploadId}/redeliver`, { pages: ['1'] }, 'pages/0: must be an integer, not a string');
    await refused('PUT', `/v1/uploads/${upload.body.uploadId}/mapping`, { headerRow: '0' }, 'headerRow: must be an integer, not a string');
  });

  it('still reads multipart form fields, which are text by nature', async () => {
    const form = importForm({ template: 'people', file: `Title\n${peopleCsv(3)}` });
    form.append('headerRow', '1');
    const created = await t.api('POST', '/v1/uploads', form);
    expect(created.status).toBe(201);
    expect(created.body.headerRow).toBe(1);
    expect(created.body.headings.map((h: { heading: string }) => h.heading)).toEqual(['Name', 'Email', 'Age', 'Postcode']);
  });

  it('refuses a body that is not JSON, and an absent one where one is needed', async () => {
    expect(await raw('POST', '/v1/templates', 'application/json', '{"code":')).toMatchObject({ status: 400, body: { code: 'invalid_json' } });
    expect(await raw('POST', '/v1/templates', 'application/json', '')).toEqual({
      status: 400, body: { code: 'invalid_request', detail: 'body: a JSON object is required (with "Content-Type: application/json")' },
    });
  });
});

describe('content types', () => {
  it('answers 415 saying what to send for JSON without a content type, or with another one', async () => {
    const body = JSON.stringify({ code: 'untyped', name: 'Untyped', columns: PEOPLE_COLUMNS });
    expect(await raw('POST', '/v1/templates', undefined, body)).toEqual({ status: 415, body: {
      code: 'unsupported_media_type', detail: 'the body came without a Content-Type: send the body as JSON with "Content-Type: application/json"',
    } });
    expect(await raw('PATCH', '/v1/templates/people', 'text/plain', '{"name":"P"}')).toEqual({ status: 415, body: {
      code: 'unsupported_media_type', detail: '"text/plain" is not read here: send the body as JSON with "Content-Type: application/json"',
    } });
    const xml = await raw('PUT', destination, 'application/xml', '<webhook/>');
    expect(xml.status).toBe(415);
    expect(xml.body.detail).toMatch(/"application\/xml" is not read here: .*"Content-Type: application\/json"/);
    expect((await t.api('GET', '/v1/templates/untyped')).status).toBe(404);
  });

  it('tells a file route to send multipart/form-data', async () => {
    for (const path of ['/v1/imports', '/v1/uploads']) {
      const res = await raw('POST', path, 'text/csv', peopleCsv(2));
      expect(res.status, path).toBe(415);
      expect(res.body).toEqual({
        code: 'unsupported_media_type',
        detail: '"text/csv" is not read here: send the file as multipart/form-data ("Content-Type: multipart/form-data") with the fields "template" and "file"',
      });
    }
  });

  it('takes an empty body with a JSON content type as no body where the body is optional', async () => {
    const rotated = await raw('POST', `${destination}/rotate-secret`, 'application/json', '');
    expect(rotated.status).toBe(200);
    expect(rotated.body.previousSecretExpiresAt).not.toBeNull();

    const tested = await raw('POST', `${destination}/test`, 'application/json', '');
    expect(tested.status).toBe(200);
    expect(tested.body.outcome).toBe('delivered');

    // Not yet confirmed: refused for its status, not for its body.
    const upload = await t.api('POST', '/v1/uploads', importForm({ template: 'people', file: peopleCsv(3) }));
    for (const action of ['redeliver', 'confirm', 'validate']) {
      const res = await raw('POST', `/v1/uploads/${upload.body.uploadId}/${action}`, 'application/json', '');
      expect(res.body.code, action).not.toBe('invalid_json');
      expect(res.status, action).not.toBe(400);
    }

    expect((await raw('DELETE', '/v1/templates/people/destination', 'application/json', '')).status).toBe(204);
    expect((await raw('DELETE', '/v1/templates/people/destination', 'application/json', '')).status).toBe(404);
  });
});

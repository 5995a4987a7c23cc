// The log of an import session's work: its upload lines carry the sessionId, and neither the token nor the session's
// secret is ever written, at any level.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { callApi, startService, waitFor, type TestService } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

interface Line { msg: string; uploadId?: string; sessionId?: string; [field: string]: unknown }

const SECRET = 'receiver-key-91be4f';

let t: TestService;
let receiver: Receiver;
const lines: Line[] = [];
const texts: string[] = [];

beforeAll(async () => {
  const capture = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) {
        if (!text) continue;
        texts.push(text);
        lines.push(JSON.parse(text));
      }
      done();
    },
  });
  t = await startService({ LOG_LEVEL: 'debug' }, undefined, capture);
  receiver = await startReceiver();
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  await t.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, authHeaderName: 'X-Api-Key' } });
});

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

it('names the session on its upload lines and never writes its token or secret', async () => {
  const made = await t.api('POST', '/v1/import-sessions', { template: 'people', authHeaderValue: SECRET, extra: { tenant: 'acme' } });
  const { sessionId, sessionToken } = made.body;
  const call = (method: string, path: string, body?: unknown) => callApi(t.url, method, path, body, sessionToken);
  const { body: upload } = await call('POST', '/v1/uploads', importForm({ file: peopleCsv(3) }));
  await call('POST', `/v1/uploads/${upload.uploadId}/validate`);
  await waitFor(async () => (await call('GET', `/v1/uploads/${upload.uploadId}`)).body.status === 'reviewing', 'review');
  await call('POST', `/v1/uploads/${upload.uploadId}/confirm`);
  await waitFor(async () => (await call('GET', `/v1/uploads/${upload.uploadId}`)).body.status === 'completed', 'delivery');
  expect(receiver.received[0].headers['x-api-key']).toBe(SECRET);
  const { body: dropped } = await call('POST', '/v1/uploads', importForm({ file: peopleCsv(2) }));
  expect((await call('POST', `/v1/uploads/${dropped.uploadId}/cancel`)).body.status).toBe('cancelled');
  await t.api('DELETE', `/v1/import-sessions/${sessionId}`);

  const of = (msg: string) => lines.find((l) => l.msg === msg && (l.uploadId === upload.uploadId || l.sessionId === sessionId));
  expect(of('import session created')).toMatchObject({ sessionId, template: 'people' });
  expect(of('upload received')).toMatchObject({ uploadId: upload.uploadId, sessionId });
  expect(of('upload read')).toMatchObject({ uploadId: upload.uploadId, sessionId });
  expect(lines.find((l) => l.msg === 'upload ended' && l.uploadId === dropped.uploadId)).toMatchObject({ sessionId, status: 'cancelled' });
  expect(of('import session revoked')).toMatchObject({ sessionId });
  for (const text of texts) {
    expect(text).not.toContain(sessionToken);
    expect(text).not.toContain(SECRET);
  }
});

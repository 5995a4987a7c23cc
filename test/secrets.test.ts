// The auth header value reaches the receiver and nothing else: no API response, no log line, no plain text on disk.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { waitForFinal } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

let receiver: Receiver | undefined;
let proc: ServiceProcess | undefined;
let dataDir: string | undefined;

afterAll(async () => {
  await proc?.kill();
  await receiver?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

it('keeps the auth header value out of responses, logs and the data directory', async () => {
  const secret = 'Bearer-very-secret-7f3a9c1e';
  receiver = await startReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'sheethook-secret-'));
  proc = await startProcess(dataDir, await freePort(), { LOG_LEVEL: 'debug' });
  await proc.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  await proc.api('PUT', '/v1/templates/people/destination', { webhook: { callbackUrl: receiver.url, authHeaderName: 'Authorization' } });
  const res = await proc.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(3), authHeaderValue: secret }));
  expect(res.status).toBe(202);
  const final = await waitForFinal(proc, res.body.uploadId);
  expect(final.status).toBe('completed');
  expect(receiver.received[0].headers.authorization).toBe(secret);

  const responses = [
    JSON.stringify(res.body), JSON.stringify(final),
    JSON.stringify((await proc.api('GET', `/v1/uploads/${res.body.uploadId}/deliveries`)).body),
    JSON.stringify((await proc.api('GET', '/v1/uploads')).body),
    JSON.stringify((await proc.api('GET', '/v1/templates/people/destination')).body),
  ];
  for (const body of responses) expect(body).not.toContain(secret);

  await proc.kill('SIGTERM');
  const logs = proc.output();
  proc = undefined;
  expect(logs).toContain('delivery attempt');
  expect(logs).not.toContain(secret);
  const needle = Buffer.from(secret);
  const files = filesUnder(dataDir);
  expect(files.length).toBeGreaterThan(10);
  for (const file of files) expect(readFileSync(file).includes(needle), file).toBe(false);
});

// A stop gives requests under way SHEETHOOK_STOP_GRACE_MS to end, then closes their connections: a client that stalls
// halfway through an upload does not hold the service's stop for ever.
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { API_KEY, startService, waitFor } from './support/service.ts';
import { PEOPLE_COLUMNS } from './support/files.ts';
import { makeServiceHome } from './support/home.ts';

it('closes the connection of an upload that stalled halfway once the grace period is over, and stops', { timeout: 60_000 }, async () => {
  const home = await makeServiceHome();
  const lines: { level: number; msg: string }[] = [];
  const log = new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const t = await startService({ SHEETHOOK_STOP_GRACE_MS: '300', LOG_LEVEL: 'info' }, home, log);
  await t.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS });
  const socket = connect(Number(new URL(t.url).port), '127.0.0.1');
  await once(socket, 'connect');
  let answer = '';
  socket.on('data', (d) => { answer += d; });
  const closed = once(socket, 'close');
  // The form's fields and the first line of its file, then nothing more of the 100,000 bytes announced.
  const form = ['--b', 'Content-Disposition: form-data; name="template"', '', 'people', '--b',
    'Content-Disposition: form-data; name="file"; filename="people.csv"', 'Content-Type: text/csv', '', 'Name,Email,Age,Zip', ''].join('\r\n');
  socket.write(['POST /v1/imports HTTP/1.1', 'Host: localhost', `Authorization: Bearer ${API_KEY}`,
    'Content-Type: multipart/form-data; boundary=b', 'Content-Length: 100000', '', form].join('\r\n'));
  // The request is under way: the service has begun to store the file.
  const spooled = join(home.dataDir, 'uploads');
  await waitFor(() => existsSync(spooled) && readdirSync(spooled).length > 0, 'the file being received');

  try {
    await t.stop();
    await closed;
    // Cut, not answered, and what it had sent is gone: no upload was made of it.
    expect(answer).toBe('');
    await waitFor(() => readdirSync(spooled).length === 0, 'the partial file removed');
    // Said in the log as what it is: a warning that connections were closed, no error.
    expect(lines.find((l) => l.level === 40)?.msg).toMatch(/closing the connections of requests still under way/);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  } finally {
    await home.remove();
  }
});

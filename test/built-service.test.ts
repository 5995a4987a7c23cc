// `npm start` runs the service as `npm run build` made it (dist/, no TypeScript loader): that build migrates a fresh
// store, reads a file on its reading thread and delivers every valid row, as the service run from source does, and
// serves the widget and the embed script it built, and the API reference.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { processTree } from '../bench/proc-stats.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { makeServiceHome, type ServiceHome } from './support/home.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { waitFor, waitForFinal } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let receiver: Receiver;
let home: ServiceHome;
let running: ServiceProcess | undefined;

beforeAll(async () => {
  receiver = await startReceiver();
});

afterAll(async () => {
  await running?.kill();
  await home?.remove();
  await receiver?.close();
});

it('runs built, without a TypeScript loader: migrates, reads a file on its thread and delivers it', { timeout: 180_000 }, async () => {
  // As an operator builds it: vitest's NODE_ENV=test would make vite build React's development bundle, which the
  // browser tests of a later run would then serve.
  const env = { ...process.env, NODE_ENV: 'production' };
  await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: ROOT, env, maxBuffer: 1 << 24 });
  expect(existsSync(`${ROOT}/dist/main.js`)).toBe(true);

  home = await makeServiceHome('sheethook-built-');
  running = await startProcess(home, await freePort(), {}, ['dist/main.js']);
  // On the embedded store, the new data directory is a copy of the template the build made.
  if (!home.databaseUrl) expect(running.output()).toContain('copied from the template');
  expect((await running.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
  const webhook = { callbackUrl: receiver.url, chunkSize: 500 };
  expect((await running.api('PUT', '/v1/templates/people/destination', { webhook })).status).toBe(200);

  // More rows than one record block, one of them invalid.
  const res = await running.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(2500, new Set([1234])) }));
  expect(res.status).toBe(202);
  const final = await waitForFinal(running, res.body.uploadId, 120_000);
  expect(final).toMatchObject({ status: 'completed', totalRecords: 2500, validRecords: 2499, invalidRecords: 1, totalPages: 5 });

  const rows = receiver.received.flatMap((r) => r.body.data);
  expect(rows).toHaveLength(2499);
  expect(rows[0]).toEqual({ name: 'Person 1', email: 'p1@example.com', age: 21, zip: '00001' });
  expect(rows.some((r: { name: string }) => r.name === 'Person 1234')).toBe(false);
  expect(rows.at(-1)).toEqual({ name: 'Person 2500', email: 'p2500@example.com', age: 20, zip: '02500' });

  // The build made the web parts too, and the built service serves them.
  const widget = await fetch(`${running.url}/widget/`);
  expect(widget.status).toBe(200);
  expect(await widget.text()).toMatch(/<script type="module"[^>]* src="\/assets\/widget-/);
  const consolePage = await fetch(`${running.url}/admin/`);
  expect(consolePage.status).toBe(200);
  expect(await consolePage.text()).toMatch(/<script type="module"[^>]* src="\/assets\/admin-/);
  const embed = await fetch(`${running.url}/embed.js`);
  expect(embed.status).toBe(200);
  expect(await embed.text()).toContain('Sheethook');

  // The API reference, its version read from package.json beside dist/.
  const reference = await fetch(`${running.url}/openapi.json`);
  expect(reference.status).toBe(200);
  const pkg = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8'));
  expect((await reference.json()).info).toMatchObject({ title: 'sheethook', version: pkg.version });
  expect((await fetch(`${running.url}/docs/`)).status).toBe(200);
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('npm start runs node as its own child, with the memory settings, and a SIGTERM to npm stops the service', { timeout: 120_000 }, async () => {
  // The first test built dist/; --ignore-scripts skips prestart's build, nothing else.
  await running?.kill();
  running = undefined;
  const npmHome = await makeServiceHome('sheethook-npm-start-');
  const npm = await startProcess(npmHome, await freePort(), { NODE_ENV: 'production' }, ['start', '--ignore-scripts'], 'npm');
  // npm and what it started: none of them may outlive the test, whatever it finds.
  const tree = processTree(npm.child.pid!);
  const servicePid = tree[1];
  try {
    // No shell between them: npm passes a stop on to the process it started, and a shell would not pass it on.
    expect(tree).toHaveLength(2);
    // One background thread for the JavaScript engine: each such thread keeps an allocator arena of its own. And a
    // young generation of 8 MB in every thread, where V8 would grow the main thread's to 32 MB and keep it; and an old
    // generation of at most 512 MB, under which V8 lets it grow less between full collections.
    expect(readFileSync(`/proc/${servicePid}/cmdline`, 'utf8').split('\0').slice(1, -1)).toEqual(['--v8-pool-size=1', '--max-semi-space-size=4', '--max-old-space-size=512', 'dist/main.js']);
    // glibc keeps freed memory below a threshold that grows with the largest buffer freed; fixed, it gives it back.
    // And buffers of 64 KB (what a request is received in) are mapped on their own, so freeing them gives them back.
    expect(readFileSync(`/proc/${servicePid}/environ`, 'utf8').split('\0')).toEqual(
      expect.arrayContaining(['MALLOC_TRIM_THRESHOLD_=131072', 'MALLOC_MMAP_THRESHOLD_=65536']));
    expect((await npm.api('GET', '/v1/templates')).status).toBe(200);

    // As a container runtime or a process manager stops it: a SIGTERM to npm alone.
    await npm.kill('SIGTERM');
    await waitFor(() => !alive(servicePid), 'the service to stop', 30_000);
    expect(npm.output()).toMatch(/"signal":"SIGTERM".*"msg":"stopping"/);
  } finally {
    for (const pid of tree.slice(1)) if (alive(pid)) process.kill(pid, 'SIGKILL');
    await npm.kill();
    await npmHome.remove();
  }
});

// One API process and three workers on one PostgreSQL database; the worker sending a page is killed with SIGKILL in
// the middle of a large upload. Every page still arrives, in order, a repeat carries the same webhook-id, and no
// page is ever in flight from two workers at once.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { makeServiceHome, TEST_STORE, type ServiceHome } from './support/home.ts';
import { freePort, startProcess, type ServiceProcess } from './support/process.ts';
import { waitFor, waitForFinal } from './support/service.ts';
import { importForm, PEOPLE_COLUMNS, peopleCsv } from './support/files.ts';

const ROWS = 3000;
const CHUNK = 15;
const PAGES = ROWS / CHUNK;
/** The page whose first request is never answered: its sender is the worker that gets killed. */
const HELD_PAGE = 60;

interface Request { page: number; webhookId: string; ids: number[]; from: number; until: number; port: number; answered: boolean }

/** A receiver that notes when each request arrived and when it ended: answered, or its connection gone. */
async function timedReceiver() {
  const requests: Request[] = [];
  const sockets = new Set<Socket>();
  let held: Request | undefined;
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      const got: Request = {
        page: body.page, webhookId: String(req.headers['webhook-id']), from: performance.now(), until: Infinity,
        ids: body.data.map((d: { name: string }) => Number(d.name.split(' ')[1])), port: req.socket.remotePort!, answered: false,
      };
      requests.push(got);
      if (body.page === HELD_PAGE && !held) {
        // Never answered: in flight until its sender's connection goes.
        held = got;
        req.socket.once('close', () => { got.until = performance.now(); });
        return;
      }
      // A little time in flight, so that the pages overlap with whatever the workers do meanwhile.
      setTimeout(() => {
        got.until = performance.now();
        got.answered = true;
        res.writeHead(200).end('ok');
      }, 5);
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests,
    held: () => held,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Which of these processes holds the TCP connection whose local port is `port` (Linux: /proc). */
function ownerOfPort(port: number, pids: number[]): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${hex}`)) inodes.add(fields[9]);
    }
  }
  return pids.find((pid) => readdirSync(`/proc/${pid}/fd`).some((fd) => {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      return target.startsWith('socket:[') && inodes.has(target.slice(8, -1));
    } catch {
      return false;
    }
  }));
}

let home: ServiceHome | undefined;
const processes: ServiceProcess[] = [];
let receiver: Awaited<ReturnType<typeof timedReceiver>> | undefined;

afterAll(async () => {
  for (const p of processes) await p.kill();
  await receiver?.close();
  await home?.remove();
});

it.runIf(TEST_STORE === 'postgres')('three workers and an API process: a worker killed mid-upload loses nothing, and no page is sent twice at once (PostgreSQL only: the embedded store is one process)', { timeout: 240_000 }, async () => {
  home = await makeServiceHome();
  receiver = await timedReceiver();
  const start = async (role: string) => {
    const p = await startProcess(home!, await freePort(), { SHEETHOOK_ROLE: role, SHEETHOOK_LEASE_MARGIN_MS: '1000' });
    processes.push(p);
    return p;
  };
  const api = await start('api');
  const workers = [await start('worker'), await start('worker'), await start('worker')];
  expect((await api.api('POST', '/v1/templates', { code: 'people', name: 'People', columns: PEOPLE_COLUMNS })).status).toBe(201);
  const webhook = { callbackUrl: receiver.url, chunkSize: CHUNK, timeoutMs: 3000 };
  expect((await api.api('PUT', '/v1/templates/people/destination', { webhook })).status).toBe(200);

  // The API process reads nothing itself: a worker takes the file from the database.
  const res = await api.api('POST', '/v1/imports', importForm({ template: 'people', file: peopleCsv(ROWS) }));
  expect(res.status).toBe(202);
  const held = await waitFor(() => receiver!.held(), `page ${HELD_PAGE} to reach the receiver`, 120_000);
  const victim = ownerOfPort(held.port, workers.map((w) => w.child.pid!));
  expect(victim).toBeDefined();
  await workers.find((w) => w.child.pid === victim)!.kill('SIGKILL');

  const final = await waitForFinal(api, res.body.uploadId, 120_000);
  expect(final).toMatchObject({ status: 'completed', pagesDelivered: PAGES });

  const { requests } = receiver;
  // Every row arrived, each page's last request answered, in page order.
  const lastOfPage = new Map<number, Request>();
  for (const r of requests) lastOfPage.set(r.page, r);
  expect([...lastOfPage.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: PAGES }, (_, i) => i + 1));
  expect([...lastOfPage.values()].every((r) => r.answered)).toBe(true);
  expect([...lastOfPage.values()].sort((a, b) => a.page - b.page).flatMap((r) => r.ids)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
  const inOrder = requests.map((r) => r.page).filter((p, i, all) => i === 0 || p !== all[i - 1]);
  expect(inOrder).toEqual(Array.from({ length: PAGES }, (_, i) => i + 1));

  // The held page was sent again, by another worker, with its webhook-id; no page was ever in flight twice at once.
  const byPage = new Map<number, Request[]>();
  for (const r of requests) byPage.set(r.page, [...(byPage.get(r.page) ?? []), r]);
  expect(byPage.get(HELD_PAGE)!.length).toBeGreaterThanOrEqual(2);
  for (const [page, sent] of byPage) {
    expect(new Set(sent.map((r) => r.webhookId)).size, `page ${page}'s webhook-ids`).toBe(1);
    const spans = sent.map((r) => [r.from, r.until]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0], `page ${page} sent again while in flight`).toBeGreaterThanOrEqual(spans[i - 1][1]);
  }
});

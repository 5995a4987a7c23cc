// Runs the real service for a benchmark: `src/main.ts` as child processes, on a store made for the run and removed
// after it. A launcher says which store: the embedded one in a fresh data directory, or a fresh database on a
// PostgreSQL server, which several service processes can share (the first answers the API, all of them deliver).

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { processTree } from './proc-stats.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const API_KEY = 'sk_bench_key';
export const FINAL_STATUSES = ['completed', 'completed_with_failures', 'failed'];

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Now on the monotonic clock V8's CPU profiles use, in microseconds. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class ServiceClient {
  constructor(readonly url: string) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const isForm = body instanceof FormData;
    const res = await fetch(this.url + path, {
      method,
      headers: { authorization: `Bearer ${API_KEY}`, ...(body !== undefined && !isForm ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export interface ServiceProcess {
  /** What the benchmark started: npm (`npm start`), or node itself when node is given options. */
  child: ChildProcess;
  /** The service's own process, node. */
  pid: number;
  /** Every process from `child` down, as the operators' measure counts them: npm and the service. */
  pids: number[];
  client: ServiceClient;
  output: () => string;
}

const entries = new Map<string, Promise<string[]>>();

/**
 * What `node` runs to start `root`'s service, as `npm start` starts it: built once (`npm run build`), then
 * `dist/main.js`; a checkout without a build step runs its source through tsx.
 */
function serviceEntry(root: string): Promise<string[]> {
  let entry = entries.get(root);
  if (!entry) {
    entry = (async () => {
      const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
      if (!pkg.scripts?.build) return ['--import', 'tsx', 'src/main.ts'];
      await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root, maxBuffer: 1 << 24 });
      return ['dist/main.js'];
    })();
    entries.set(root, entry);
  }
  return entry;
}

/**
 * What `root`'s start script gives the service besides its entry: the `NAME=value` settings in front of its command,
 * and the options it gives node.
 */
async function startScriptSettings(root: string): Promise<{ env: Record<string, string>; nodeOptions: string[] }> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const script = String(pkg.scripts?.start ?? '');
  const env: Record<string, string> = {};
  for (const [, name, value] of script.matchAll(/(?:^|\s)([A-Z_][A-Z0-9_]*)=(\S*)(?=\s)/g)) env[name] = value;
  const nodeOptions = script.match(/(?:^|\s)node((?:\s+--\S+)*)\s/)?.[1].trim().split(/\s+/).filter(Boolean) ?? [];
  return { env, nodeOptions };
}

/** How startService runs `root`'s service, with `nodeArgs` for node. */
async function startCommand(root: string, nodeArgs: string[]): Promise<{ command: string; args: string[]; env: Record<string, string> }> {
  const entry = await serviceEntry(root);
  if (!nodeArgs.length) return { command: 'npm', args: ['start', '--silent', '--ignore-scripts'], env: {} };
  const { env, nodeOptions } = await startScriptSettings(root);
  return { command: process.execPath, args: [...nodeOptions, ...nodeArgs, ...entry], env };
}

/** For a report: the command startService runs. */
export async function describeStart(root: string, nodeArgs: string[]): Promise<string> {
  const { command, args, env } = await startCommand(root, nodeArgs);
  const settings = Object.entries(env).map(([name, value]) => `${name}=${value} `).join('');
  if (command !== 'npm') return `${settings}node ${args.join(' ')}`;
  const { nodeOptions } = await startScriptSettings(root);
  return `npm ${args.join(' ')} (node ${[...nodeOptions, ...await serviceEntry(root)].join(' ')})`;
}

/**
 * Starts the service of `root` with the environment given (on top of the benchmark's own) and waits for /health.
 * It runs as an operator starts it, `npm start` (its build made once by serviceEntry, so without prestart's), and
 * its memory is that of npm and the service together. Options for node (a CPU profile) cannot go through npm: then
 * node runs the entry itself, with the settings of the start script.
 */
export async function startService(root: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<ServiceProcess> {
  const port = await freePort();
  const { command, args, env: startEnv } = await startCommand(root, nodeArgs);
  const child = spawn(command, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...startEnv,
      PORT: String(port),
      HOST: '127.0.0.1',
      SHEETHOOK_API_KEY: API_KEY,
      SHEETHOOK_DESTINATION_ALLOWLIST: '127.0.0.0/8',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const client = new ServiceClient(`http://127.0.0.1:${port}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) {
      signal(processTree(child.pid!), 'SIGKILL');
      throw new Error(`the service did not answer /health within 60 s:\n${out}`);
    }
    const up = await fetch(`${client.url}/health`).then((r) => r.status === 200, () => false);
    if (up) break;
    await sleep(100);
  }
  const pids = processTree(child.pid!);
  return { child, pid: pids.at(-1)!, pids, client, output: () => out };
}

function signal(pids: number[], name: NodeJS.Signals | 0): boolean {
  let any = false;
  for (const pid of pids) {
    try {
      process.kill(pid, name);
      any = true;
    } catch {
      // Ended.
    }
  }
  return any;
}

/**
 * SIGTERM to each of the service's processes, as a terminal's Ctrl-C does (a CPU profile is written then; a shell
 * that an older start script runs the service under would not pass npm's on); SIGKILL to any left after 30 s.
 */
export async function stopService(service: ServiceProcess): Promise<void> {
  const { child, pids } = service;
  signal(pids, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (signal(pids, 0) && Date.now() < deadline) await sleep(50);
  signal(pids, 'SIGKILL');
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
}

/** The service's processes on one store: the first one's API is the one to call. */
export interface RunningService {
  client: ServiceClient;
  processes: ServiceProcess[];
  /** Throws, with its output, if a process has exited. */
  check(): void;
  stop(): Promise<void>;
}

/** Where and how the service runs: one launcher per run, disposed of at its end (which removes its store). */
export interface ServiceLauncher {
  /** For the report: the store, and how many processes. */
  readonly description: string;
  start(options: { root: string; nodeArgs: string[]; env?: Record<string, string> }): Promise<RunningService>;
  dispose(): Promise<void>;
}

async function startAll(count: number, root: string, env: Record<string, string>, nodeArgs: string[]): Promise<RunningService> {
  const processes: ServiceProcess[] = [];
  const stop = async () => { await Promise.all(processes.map((p) => stopService(p))); };
  try {
    // One after the other: the first applies the migrations, the others find them applied.
    for (let i = 0; i < count; i++) processes.push(await startService(root, env, nodeArgs));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    client: processes[0].client,
    processes,
    check() {
      for (const p of processes) {
        if (p.child.exitCode !== null) throw new Error(`a service process exited with ${p.child.exitCode}:\n${p.output()}`);
      }
    },
    stop,
  };
}

/** The embedded store (PGlite) in a fresh data directory: one process, as PGlite is. */
export async function embeddedLauncher(): Promise<ServiceLauncher> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sheethook-bench-data-'));
  return {
    description: 'embedded store (PGlite), 1 process',
    start: ({ root, nodeArgs, env }) => startAll(1, root, { SHEETHOOK_DATA_DIR: dataDir, ...env }, nodeArgs),
    dispose: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/**
 * A database made for the run on the PostgreSQL server of `databaseUrl` (whose own database is only used to create
 * and drop it), shared by `processes` service processes. They share a data directory (received files) and a secret
 * key, as processes of one deployment do.
 */
export async function postgresLauncher(databaseUrl: string, processes: number): Promise<ServiceLauncher> {
  const name = `sheethook_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'sheethook-bench-data-'));
  const secretKey = randomBytes(32).toString('base64');
  const shown = new URL(url);
  shown.password = shown.password ? '***' : '';
  return {
    description: `PostgreSQL ${shown.toString()}, ${processes} process${processes === 1 ? '' : 'es'}`,
    start: ({ root, nodeArgs, env }) => startAll(processes, root, {
      DATABASE_URL: url.toString(), SHEETHOOK_DATA_DIR: dataDir, SHEETHOOK_SECRET_KEY: secretKey, ...env,
    }, nodeArgs),
    async dispose() {
      await rm(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function launcherFor(options: { databaseUrl?: string; processes: number }): Promise<ServiceLauncher> {
  if (!options.databaseUrl) {
    if (options.processes !== 1) throw new Error('--processes: the embedded store is one process; give a --database-url for more');
    return embeddedLauncher();
  }
  return postgresLauncher(options.databaseUrl, options.processes);
}

// Runs sheethook as its own process, as `npm start` does, so a test can kill it with SIGKILL and start it again in
// the same home (data directory, and database on PostgreSQL), or start several processes sharing one.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { ServiceHome } from './home.ts';
import { callApi, testEnv, waitFor } from './service.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** How `node` starts the service: from source by default; `['dist/main.js']` runs what `npm run build` made. */
const FROM_SOURCE = ['--import', 'tsx', 'src/main.ts'];

/** `command` is what runs `entry`: node by default, or e.g. `npm` with `['start', '--ignore-scripts']`. */
export async function startProcess(
  home: ServiceHome, port: number, env: Record<string, string> = {}, entry: string[] = FROM_SOURCE,
  command = process.execPath,
): Promise<ServiceProcess> {
  const child = spawn(command, entry, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...testEnv(home.dataDir, port), ...home.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`sheethook exited with ${child.exitCode}:\n${out}`);
      try {
        return (await fetch(`${url}/health`)).status === 200;
      } catch {
        return false;
      }
    }, 'the service to answer /health', 90_000);
  } catch (err) {
    if (child.exitCode !== null) throw err;
    // A process that never became ready must not outlive the test, holding its port and database.
    child.kill('SIGKILL');
    await exited;
    throw new Error(`${(err as Error).message}; its output:\n${out}`);
  }
  return {
    url,
    child,
    output: () => out,
    api: (method, path, body) => callApi(url, method, path, body),
    async kill(signal = 'SIGKILL') {
      child.kill(signal);
      await exited;
    },
  };
}

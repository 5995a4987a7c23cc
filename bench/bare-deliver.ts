// Bare delivery baseline, run as its own process: an undici client posting the captured webhook requests (the service's
// own bodies and headers) to the receiver, `parallel` at a time over keep-alive connections, reading each answer as
// the service does. Prints one JSON line.
//
//   node --import tsx bench/bare-deliver.ts URL FILE PARALLEL

import { Agent, request } from 'undici';
import { readCaptured } from './captured-requests.ts';

const [url, file, parallelArg] = process.argv.slice(2);
const parallel = Number(parallelArg);
const requests = await readCaptured(file);
// The service's client: keep-alive connections, up to 64 to one origin.
const agent = new Agent({ keepAliveTimeout: 4_000, connections: 64 });

let next = 0;
let failed = 0;
async function sender(): Promise<void> {
  while (next < requests.length) {
    const { headers, body } = requests[next++];
    const res = await request(url, { method: 'POST', headers, body, dispatcher: agent });
    await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) failed++;
  }
}

const cpuStart = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: parallel }, sender));
const ms = performance.now() - started;
const { user, system } = process.cpuUsage(cpuStart);
await agent.close();
process.stdout.write(`${JSON.stringify({ requests: requests.length, failed, ms, cpuMs: (user + system) / 1000 })}\n`);

// Summarises the service's CPU profile (bench:ingest or bench:deliver --cpu-prof DIR) over the measured runs only
// (ingest, a delivery): self time by area and by function, and inclusive time by function. PGlite's WASM functions are named from the module's export table
// where they are exported, else after their nearest named caller.
//
//   node --import tsx bench/profile-summary.ts DIR [--top 25]

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

/** Function index → name for the functions a WASM module exports (the index space counts imports first). */
function wasmExportNames(path: string): Map<number, string> {
  const b = readFileSync(path);
  let i = 8;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = b[i++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return result >>> 0;
  };
  const names = new Map<number, string>();
  while (i < b.length) {
    const id = b[i++];
    const size = u32();
    const end = i + size;
    if (id === 7) {
      for (let n = u32(); n > 0; n--) {
        const length = u32();
        const name = b.subarray(i, i + length).toString();
        i += length;
        const kind = b[i++];
        const index = u32();
        if (kind === 0) names.set(index, name);
      }
    }
    i = end;
  }
  return names;
}

function pgliteWasmNames(): Map<number, string> {
  try {
    const require = createRequire(import.meta.url);
    const dist = join(require.resolve('@electric-sql/pglite'), '..');
    return wasmExportNames(join(dist, 'pglite.wasm'));
  } catch {
    return new Map();
  }
}

const AREAS: [string, (f: CallFrame) => boolean][] = [
  ['PGlite WASM (Postgres itself)', (f) => f.url.startsWith('wasm://')],
  ['PGlite JS (wire protocol, results)', (f) => f.url.includes('@electric-sql/pglite')],
  ['papaparse', (f) => f.url.includes('/papaparse/')],
  ['iconv-lite', (f) => f.url.includes('/iconv-lite/')],
  ['exceljs, unzipper, saxes', (f) => /\/(exceljs|unzipper|saxes|sax)\//.test(f.url)],
  ['drizzle-orm', (f) => f.url.includes('/drizzle-orm/')],
  ['src/ingest validate (validate-row, iso-date, cell-text)', (f) => /src\/ingest\/(validate-row|iso-date|cell-text)/.test(f.url)],
  ['src/ingest read loop (ingest-upload, read-rows, csv/xlsx rows, row-checks)', (f) => f.url.includes('/src/ingest/')],
  ['src/store (queries)', (f) => f.url.includes('/src/store/')],
  ['src/delivery (worker, payload, signing)', (f) => f.url.includes('/src/delivery/')],
  ['undici (webhook client)', (f) => f.url.includes('/undici/')],
  ['standardwebhooks, crypto', (f) => /\/(standardwebhooks|@stablelib)\//.test(f.url) || f.url.startsWith('node:crypto') || f.url.startsWith('node:internal/crypto')],
  ['pino (logs)', (f) => /\/(pino|sonic-boom|thread-stream)\//.test(f.url)],
  ['src other', (f) => f.url.includes('/src/')],
  ['fastify, multipart, http', (f) => /\/(fastify|@fastify|busboy|@fastify\/busboy|find-my-way|avvio|ajv|light-my-request)\//.test(f.url) || f.url.startsWith('node:_http')],
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
  ['idle (waiting)', (f) => f.functionName === '(idle)'],
  ['regular expressions', (f) => f.functionName.startsWith('RegExp: ')],
  ['node streams, buffers, fs, encoding', (f) => /^node:(internal\/streams|internal\/fs|fs|buffer|string_decoder|internal\/encoding|stream)/.test(f.url)],
  ['node other, module loading', (f) => f.url.startsWith('node:') || f.url.includes('/tsx/')],
  ['builtins and natives (JSON.stringify, TextDecoder, ...)', (f) => f.url === '' && !f.functionName.startsWith('(')],
  ['(program) and the rest', () => true],
];

/** The service's own modules are named after their source, whether it ran built (dist/) or from source. */
const ownUrl = (url: string) => (url.includes('/node_modules/') ? url : url.replace(/^(file:\/\/.*?)\/dist\//, '$1/src/'));

const areaOf = (f: CallFrame) => AREAS.find(([, test]) => test({ ...f, url: ownUrl(f.url) }))![0];

function shortUrl(url: string): string {
  if (url.startsWith('wasm://')) return 'pglite.wasm';
  return ownUrl(url).replace(/^file:\/\//, '').replace(/.*node_modules\//, '').replace(/^.*?\/src\//, 'src/');
}

export function summarise(profile: Profile, fromUs: number, toUs: number, top: number): string {
  const wasmNames = pgliteWasmNames();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const wasmIndex = (f: CallFrame) => Number(/wasm-function\[(\d+)]/.exec(f.functionName)?.[1] ?? -1);
  const nameCache = new Map<number, string>();
  const label = (id: number): string => {
    const cached = nameCache.get(id);
    if (cached) return cached;
    const f = byId.get(id)!.callFrame;
    let name: string;
    if (f.url.startsWith('wasm://')) {
      const exported = wasmNames.get(wasmIndex(f));
      if (exported) name = `${exported} [wasm]`;
      else {
        let up = parent.get(id);
        let caller: string | undefined;
        while (up !== undefined && !caller) {
          const uf = byId.get(up)!.callFrame;
          if (!uf.url.startsWith('wasm://')) break;
          caller = wasmNames.get(wasmIndex(uf));
          up = parent.get(up);
        }
        name = `${f.functionName} in ${caller ?? '?'} [wasm]`;
      }
    } else {
      name = f.url ? `${f.functionName || '(anonymous)'} ${shortUrl(f.url)}:${f.lineNumber + 1}` : f.functionName || '(anonymous)';
    }
    nameCache.set(id, name);
    return name;
  };

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < fromUs || t > toUs) continue;
    // A sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? 0;
    const id = profile.samples[i];
    total += us;
    const node = byId.get(id)!;
    self.set(label(id), (self.get(label(id)) ?? 0) + us);
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const seen = new Set<string>();
    for (let up: number | undefined = id; up !== undefined; up = parent.get(up)) {
      const name = label(up);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const list = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, us]) => `${ms(us)} ms ${pct(us)}  ${name}`).join('\n');
  const skip = new Set(['(root)', '(anonymous)', 'runMicrotasks', 'processTicksAndRejections node:internal/process/task_queues:67']);
  const inclusiveShown = new Map([...inclusive].filter(([name]) => !skip.has(name) && !name.startsWith('(')));
  return [
    `window ${((toUs - fromUs) / 1e6).toFixed(2)} s, ${(total / 1e6).toFixed(2)} s of main-thread samples`,
    '', 'self time by area', list(areas, AREAS.length),
    '', `self time, top ${top} functions`, list(self, top),
    '', `inclusive time, top ${top} functions (async callers are cut off at each await)`, list(inclusiveShown, top),
  ].join('\n');
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' } } });
  const dir = positionals[0];
  if (!dir) throw new Error('usage: profile-summary.ts DIR [--top N]');
  const top = Number(values.top ?? 25);
  const files = readdirSync(dir);
  // Written by the benchmarks: `<what>-window-<pid>.json`, the span of one measured run of process <pid>.
  const windows = files.filter((f) => /^.+-window-\d+\.json$/.test(f));
  if (windows.length === 0) {
    // Not from a benchmark: the whole of each main-thread profile.
    for (const name of files.filter((f) => /^CPU\.[\d.]+\.\d+\.0\.\d+\.cpuprofile$/.test(f))) {
      const profile = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Profile;
      console.log(`== ${name}`);
      console.log(summarise(profile, profile.startTime, profile.endTime, top));
    }
    return;
  }
  for (const w of windows) {
    const pid = /-window-(\d+)\.json$/.exec(w)![1];
    const window = JSON.parse(readFileSync(join(dir, w), 'utf8')) as { label: string; fromUs: number; toUs: number };
    // Thread 0 is the main thread; the others are worker threads: the block reader, module loaders and the like.
    const threads = files.filter((f) => new RegExp(`^CPU\\.[\\d.]+\\.${pid}\\.\\d+\\.\\d+\\.cpuprofile$`).test(f)).sort();
    if (!threads.some((f) => f.includes(`.${pid}.0.`))) throw new Error(`no main-thread profile of process ${pid} in ${dir}`);
    for (const name of threads) {
      const profile = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Profile;
      const thread = name.includes(`.${pid}.0.`) ? 'main thread' : `thread ${name.split('.').at(-3)}`;
      console.log(`== ${window.label} (process ${pid}, ${thread}, ${name})`);
      console.log(summarise(profile, window.fromUs, window.toUs, top));
      console.log('');
    }
  }
}

main();

// The benchmark's options, from argv (`--rows 1000000`) or the environment (`BENCH_ROWS=1000000`); argv wins.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export interface BenchOptions {
  rows: number;
  xlsxRows: number;
  sharedStrings: boolean;
  chunkSize: number;
  uniqueEmail: boolean;
  deliver: boolean;
  cases: Set<Case>;
  repeat: number;
  cpuProfDir?: string;
  fresh: boolean;
  timeoutMs: number;
  serviceRoot?: string;
  quietWaitMs: number;
  pgConf: string[];
}

export const CASES = ['bare-csv', 'service-csv', 'bare-xlsx', 'service-xlsx'] as const;
export type Case = (typeof CASES)[number];

export const USAGE = `npm run bench:ingest -- [options]        (or BENCH_<OPTION>=value, e.g. BENCH_ROWS=200000)

  --rows N             CSV data rows (default 1000000, about 110 MB)
  --xlsx-rows N        XLSX data rows (default 200000)
  --shared-strings on|off   XLSX strings in the shared strings part, as Excel writes them (default on)
  --chunk-size N       the destination's chunkSize (default 1000)
  --unique-email on|off   the email column unique, as the file of the operators' measure has a unique column (default on)
  --no-deliver         stop the service once ingest is done instead of timing delivery too
  --only LIST          comma-separated cases: ${CASES.join(', ')} (default all)
  --repeat N           run each case N times; the table shows the median and the spread (default 1)
  --cpu-prof DIR       run the service with --cpu-prof, writing its profiles into DIR
  --fresh              write the input files again even if a previous run left them
  --timeout-s N        give up on an import after N seconds (default 3600)
  --quiet-wait-s N     before each run, wait up to N seconds for the machine to go idle (default 30, 0: never)
  --pg-conf 'LINE'     a setting for the embedded database, e.g. 'shared_buffers = 16MB' (repeatable; env: ';'-separated)
  --service-root DIR   run the service of another checkout (its src/main.ts), e.g. an unpacked \`git archive\`
`;

export const positiveInt = (name: string, raw: string | undefined, fallback: number): number => {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name}: expected a whole number above 0, got "${raw}"`);
  return value;
};

export const onOff = (name: string, raw: string | undefined, fallback: boolean): boolean => {
  if (raw === undefined || raw === '') return fallback;
  if (/^(on|true|1|yes)$/i.test(raw)) return true;
  if (/^(off|false|0|no)$/i.test(raw)) return false;
  throw new Error(`--${name}: expected on or off, got "${raw}"`);
};

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string' },
      'xlsx-rows': { type: 'string' },
      'shared-strings': { type: 'string' },
      'chunk-size': { type: 'string' },
      'unique-email': { type: 'string' },
      'no-deliver': { type: 'boolean' },
      only: { type: 'string' },
      repeat: { type: 'string' },
      'cpu-prof': { type: 'string' },
      fresh: { type: 'boolean' },
      'timeout-s': { type: 'string' },
      'service-root': { type: 'string' },
      'quiet-wait-s': { type: 'string' },
      'pg-conf': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const get = (name: Exclude<keyof typeof values, 'pg-conf'>) => {
    const value = values[name];
    if (value !== undefined) return String(value);
    return env[`BENCH_${String(name).toUpperCase().replace(/-/g, '_')}`];
  };
  const only = get('only');
  const cases = new Set<Case>();
  for (const name of only ? only.split(',').map((s) => s.trim()).filter(Boolean) : CASES) {
    if (!(CASES as readonly string[]).includes(name)) throw new Error(`--only: unknown case "${name}"; cases are ${CASES.join(', ')}`);
    cases.add(name as Case);
  }
  return {
    rows: positiveInt('rows', get('rows'), 1_000_000),
    xlsxRows: positiveInt('xlsx-rows', get('xlsx-rows'), 200_000),
    sharedStrings: onOff('shared-strings', get('shared-strings'), true),
    chunkSize: positiveInt('chunk-size', get('chunk-size'), 1000),
    uniqueEmail: onOff('unique-email', get('unique-email'), true),
    deliver: !onOff('no-deliver', get('no-deliver'), false),
    cases,
    repeat: positiveInt('repeat', get('repeat'), 1),
    cpuProfDir: get('cpu-prof') ? resolve(get('cpu-prof')!) : undefined,
    fresh: onOff('fresh', get('fresh'), false),
    timeoutMs: positiveInt('timeout-s', get('timeout-s'), 3600) * 1000,
    quietWaitMs: get('quiet-wait-s') === '0' ? 0 : positiveInt('quiet-wait-s', get('quiet-wait-s'), 30) * 1000,
    pgConf: values['pg-conf'] ?? (env.BENCH_PG_CONF ? env.BENCH_PG_CONF.split(';').map((l) => l.trim()).filter(Boolean) : []),
    serviceRoot: get('service-root') ? resolve(get('service-root')!) : undefined,
  };
}

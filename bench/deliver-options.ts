// The delivery benchmark's options, from argv (`--records 100000`) or the environment (`BENCH_RECORDS=100000`); argv wins.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { onOff, positiveInt } from './options.ts';

export interface DeliverOptions {
  records: number;
  chunkSize: number;
  /** Destination concurrencies to measure, each against a bare client sending as many at a time. */
  concurrencies: number[];
  /** SHEETHOOK_DELIVERY_CONCURRENCY of each service process. */
  workerConcurrency: number;
  repeat: number;
  databaseUrl?: string;
  processes: number;
  cpuProfDir?: string;
  fresh: boolean;
  timeoutMs: number;
  quietWaitMs: number;
  serviceRoot?: string;
}

export const USAGE = `npm run bench:deliver -- [options]        (or BENCH_<OPTION>=value, e.g. BENCH_RECORDS=20000)

  --records N            records in the upload, all valid (default 100000)
  --chunk-size N         the destination's chunkSize (default 100: 1,000 chunks)
  --concurrency LIST     comma-separated destination concurrencies to measure (default 1,16); each against a bare
                         client sending as many requests at a time
  --worker-concurrency N SHEETHOOK_DELIVERY_CONCURRENCY of the service (default: the largest --concurrency)
  --repeat N             run each case N times; the table shows the median and the spread (default 1)
  --database-url URL     run the service on a PostgreSQL server: a database is created for the run on it, and
                         dropped after (default: the embedded store in a fresh data directory)
  --processes N          service processes sharing that database, each with its delivery worker (default 1)
  --cpu-prof DIR         run the service with --cpu-prof, writing its profiles into DIR (see profile-summary.ts)
  --fresh                write the input file again even if a previous run left it
  --timeout-s N          give up on a delivery after N seconds (default 600)
  --quiet-wait-s N       before each run, wait up to N seconds for the machine to go idle (default 30, 0: never)
  --service-root DIR     run the service of another checkout (its src/main.ts), e.g. an unpacked \`git archive\`
`;

export function parseDeliverOptions(argv: string[], env: NodeJS.ProcessEnv): DeliverOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string' },
      'chunk-size': { type: 'string' },
      concurrency: { type: 'string' },
      'worker-concurrency': { type: 'string' },
      repeat: { type: 'string' },
      'database-url': { type: 'string' },
      processes: { type: 'string' },
      'cpu-prof': { type: 'string' },
      fresh: { type: 'boolean' },
      'timeout-s': { type: 'string' },
      'quiet-wait-s': { type: 'string' },
      'service-root': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const get = (name: keyof typeof values) => {
    const value = values[name];
    if (value !== undefined) return String(value);
    return env[`BENCH_${String(name).toUpperCase().replace(/-/g, '_')}`];
  };
  const concurrencies = (get('concurrency') ?? '1,16').split(',').map((s) => s.trim()).filter(Boolean)
    .map((c) => positiveInt('concurrency', c, 1));
  if (concurrencies.length === 0) throw new Error('--concurrency: give at least one');
  const databaseUrl = get('database-url') || undefined;
  const processes = positiveInt('processes', get('processes'), 1);
  if (processes > 1 && !databaseUrl) throw new Error('--processes: the embedded store is one process; give a --database-url for more');
  return {
    records: positiveInt('records', get('records'), 100_000),
    chunkSize: positiveInt('chunk-size', get('chunk-size'), 100),
    concurrencies,
    workerConcurrency: positiveInt('worker-concurrency', get('worker-concurrency'), Math.max(...concurrencies)),
    repeat: positiveInt('repeat', get('repeat'), 1),
    databaseUrl,
    processes,
    cpuProfDir: get('cpu-prof') ? resolve(get('cpu-prof')!) : undefined,
    fresh: onOff('fresh', get('fresh'), false),
    timeoutMs: positiveInt('timeout-s', get('timeout-s'), 600) * 1000,
    quietWaitMs: get('quiet-wait-s') === '0' ? 0 : positiveInt('quiet-wait-s', get('quiet-wait-s'), 30) * 1000,
    serviceRoot: get('service-root') ? resolve(get('service-root')!) : undefined,
  };
}

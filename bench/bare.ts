// Runs a bare parser baseline (bare-csv.ts, bare-xlsx.ts) in its own process and returns what it measured.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface BareResult { rows: number; ms: number; cpuMs: number; peakRssMb: number | null }

export async function bareRun(script: 'bare-csv.ts' | 'bare-xlsx.ts', file: string): Promise<BareResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), file], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as BareResult;
}

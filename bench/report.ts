// Prints the benchmark's table: each case's rows, time, rows/s and peak memory, then the targets.

export interface CaseResult {
  label: string;
  rows: number;
  /** One per repetition. */
  seconds: number[];
  cpuSeconds: number[];
  peakRssMb: (number | null)[];
  /** CPU that other processes on the machine used meanwhile, in cores: the noise. */
  otherCores: (number | null)[];
  notes: string[];
  /** The longest GET /health wait of any repetition, for the service's cases. */
  healthWaitMs?: number;
  /** From the POST to the final status, median over repetitions (service cases that waited for delivery). */
  endToEndS?: number;
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number) => n.toFixed(digits);
const pad = (text: string, width: number, right = false) => (right ? text.padStart(width) : text.padEnd(width));

export const rowsPerSecond = (r: CaseResult) => r.rows / median(r.seconds);

export function peakOf(r: CaseResult): number | null {
  const known = r.peakRssMb.filter((p): p is number => p !== null);
  return known.length ? Math.max(...known) : null;
}

function spread(values: number[]): string {
  if (values.length < 2) return '';
  const m = median(values);
  return `±${fixed(((Math.max(...values) - Math.min(...values)) / 2 / m) * 100, 0)}%`;
}

function otherLoad(r: CaseResult): string {
  const known = r.otherCores.filter((c): c is number => c !== null);
  return known.length ? `${fixed(Math.max(...known), 2)} core` : 'n/a';
}

/** `unit`: what `rows` counts (rows read, chunks delivered). */
export function printTable(results: CaseResult[], unit = 'rows'): void {
  const width = Math.max(14, ...results.map((r) => r.label.length));
  const header = [pad('case', width), pad(unit, 11, true), pad('seconds', 9, true), pad('spread', 7, true),
    pad(`${unit}/s`, 10, true), pad('CPU s', 7, true), pad('peak RSS MB', 12, true), pad('other load', 10, true)].join('  ');
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const r of results) {
    const peak = peakOf(r);
    console.log([
      pad(r.label, width), pad(int(r.rows), 11, true), pad(fixed(median(r.seconds), 2), 9, true), pad(spread(r.seconds), 7, true),
      pad(int(rowsPerSecond(r)), 10, true), pad(fixed(median(r.cpuSeconds), 1), 7, true), pad(peak === null ? 'n/a' : fixed(peak, 0), 12, true),
      pad(otherLoad(r), 10, true),
    ].join('  '));
    for (const note of r.notes) console.log(`${' '.repeat(width + 2)}${note}`);
  }
  console.log('CPU s: the measured process\'s CPU time (above seconds: more than one core busy). other load: the most CPU that');
  console.log('other processes took during one run of the case, in cores of the machine; above 0.1 or so the times are noisy.');
}

export interface Target { what: string; measured: string; goal: string; met: boolean | null }

export function printTargets(targets: Target[]): void {
  if (targets.length === 0) return;
  console.log('');
  const width = Math.max(...targets.map((t) => t.what.length));
  for (const t of targets) {
    const verdict = t.met === null ? '' : t.met ? 'met' : 'NOT MET';
    console.log(`${pad(t.what, width)}  ${pad(t.measured, 10, true)}  target ${pad(t.goal, 10)}  ${verdict}`);
  }
}

export { int, fixed };

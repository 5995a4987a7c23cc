// What the kernel counts for a process: peak resident memory (VmHWM) and CPU time; null where /proc is not there.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** A process, or the processes of a tree (npm and the service it started), whose figures are summed. */
export type Pids = number | number[] | 'self';

/** `read` of each of `pids`, summed; null if any of them cannot be read. */
function sumOver(pids: Pids, read: (pid: number | 'self') => number | null): number | null {
  let sum = 0;
  for (const pid of Array.isArray(pids) ? pids : [pids]) {
    let value: number | null;
    try {
      value = read(pid);
    } catch {
      value = null;
    }
    if (value === null) return null;
    sum += value;
  }
  return sum;
}

function statusMb(field: 'VmHWM' | 'VmRSS', pids: Pids): number | null {
  return sumOver(pids, (pid) => {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : null;
  });
}

/** Peak resident memory (VmHWM), summed over `pids`, in MiB. */
export function peakRssMb(pids: Pids = 'self'): number | null {
  return statusMb('VmHWM', pids);
}

/** Starts a new peak (VmHWM) from the resident memory now, as `echo 5 > /proc/PID/clear_refs` does. */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Resident memory now (VmRSS), summed over `pids`, in MiB. */
export function rssMb(pids: Pids = 'self'): number | null {
  return statusMb('VmRSS', pids);
}

/** User plus system CPU seconds, all threads; above the wall time means more than one core was busy. */
export function cpuSeconds(pids: Pids = 'self'): number | null {
  return sumOver(pids, (pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  });
}

/** `pid` and its descendants, parents first. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone while /proc was read.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

/** CPU seconds the whole machine spent busy since boot, all cores. */
export function machineBusySeconds(): number | null {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal
    const [user, nice, system, , , irq, softirq, steal] = ticks;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / 100;
  } catch {
    return null;
  }
}

/** CPU seconds of this process and of the children it has waited for (cutime, cstime). */
export function familyCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return (f[11] + f[12] + f[13] + f[14]) / 100;
  } catch {
    return null;
  }
}

/**
 * Measures how much CPU everything else on the machine took while `work` ran: the noise in a timing on a machine
 * that others share. In cores, so 0.5 means half of one core was busy with something else on average.
 */
export async function withOtherLoad<T>(work: () => Promise<T>): Promise<{ value: T; otherCores: number | null }> {
  const busy0 = machineBusySeconds();
  const own0 = familyCpuSeconds();
  const started = performance.now();
  const value = await work();
  const seconds = (performance.now() - started) / 1000;
  const busy1 = machineBusySeconds();
  const own1 = familyCpuSeconds();
  if (busy0 === null || busy1 === null || own0 === null || own1 === null) return { value, otherCores: null };
  return { value, otherCores: Math.max(0, (busy1 - busy0 - (own1 - own0)) / seconds) };
}

/**
 * Starts measuring, for processes that keep running (a service between its runs): the CPU `pids` take, and what
 * everything else on the machine took meanwhile besides this process and the children it waited for. In cores.
 */
export function startLoadMeter(pids: number[]): () => { seconds: number; pidsCpuSeconds: number | null; otherCores: number | null } {
  const cpuOf = () => cpuSeconds(pids);
  const busy0 = machineBusySeconds();
  const own0 = familyCpuSeconds();
  const pids0 = cpuOf();
  const started = performance.now();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const busy1 = machineBusySeconds();
    const own1 = familyCpuSeconds();
    const pids1 = cpuOf();
    const pidsCpuSeconds = pids0 === null || pids1 === null ? null : pids1 - pids0;
    if (busy0 === null || busy1 === null || own0 === null || own1 === null || pidsCpuSeconds === null) {
      return { seconds, pidsCpuSeconds, otherCores: null };
    }
    return { seconds, pidsCpuSeconds, otherCores: Math.max(0, (busy1 - busy0 - (own1 - own0) - pidsCpuSeconds) / seconds) };
  };
}

/**
 * Waits, up to `maxMs`, for a second in which the machine is nearly idle (below `threshold` cores busy), so that a
 * run starts on a quiet machine; says how long it waited. Gives up quietly on a machine that never settles.
 */
export async function waitForQuiet(maxMs: number, threshold = 0.1): Promise<number> {
  const started = performance.now();
  for (;;) {
    const busy0 = machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const busy1 = machineBusySeconds();
    const waited = performance.now() - started;
    if (busy0 === null || busy1 === null || busy1 - busy0 < threshold || waited >= maxMs) return waited;
  }
}

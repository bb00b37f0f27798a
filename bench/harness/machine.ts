import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** What a benchmark's header and its JSON say about the machine at one moment. */
export interface MachineState {
  readonly cores: number;
  readonly cpuModel: string;
  readonly ramGb: number;
  readonly node: string;
  /** 1, 5 and 15 minute load averages. */
  readonly loadAverage: readonly number[];
  readonly at: string;
}

export function machineState(): MachineState {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    ramGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    at: new Date().toISOString(),
  };
}

/** The machine line every benchmark prints (cores, RAM, load, date). */
export function machineLine(state: MachineState = machineState()): string {
  const load = state.loadAverage.map((l) => l.toFixed(2)).join(' ');
  return `machine: ${state.cores} cores (${state.cpuModel}), ${state.ramGb} GB RAM, Node ${state.node}, load average ${load}, ${state.at}`;
}

const TICKS_PER_SECOND = 100;

/** What the benchmarks read of `/proc/<pid>/stat`. */
export interface ProcStat {
  readonly processGroup: number;
  /** User + system CPU seconds so far. */
  readonly cpuSeconds: number;
  /** Start time in clock ticks after boot: with the pid, it names one process. */
  readonly startTicks: string;
}

/** `/proc/<pid>/stat` of a process, or undefined once it is gone. */
export function procStat(pid: number | string): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // after the command name (which may hold spaces and parentheses): fields[0] is field 3 of proc(5)
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { processGroup: Number(fields[2]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, startTicks: fields[19]! };
}

/** CPU seconds (user + system) a process has used so far, from /proc; NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  return procStat(pid)?.cpuSeconds ?? Number.NaN;
}

/** Peak resident set size (VmHWM) of a running process, in MB. */
export function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

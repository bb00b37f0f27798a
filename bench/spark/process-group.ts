import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resources of a whole process group (launcher + driver JVM + Python driver),
 * from /proc: the Spark engines are several processes, and "peak RSS" must
 * count all of them at the same instant.
 */
export interface GroupSample {
  readonly rssMb: number;
  readonly cpuSeconds: number;
}

const TICKS_PER_SECOND = 100;

export function sampleGroup(pgid: number, exclude: ReadonlySet<number> = new Set()): GroupSample {
  let rssKb = 0;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || exclude.has(Number(entry))) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      if (m) rssKb += Number(m[1]);
    } catch {
      // exited meanwhile
    }
  }
  return { rssMb: Math.round(rssKb / 1024), cpuSeconds: ticks / TICKS_PER_SECOND };
}

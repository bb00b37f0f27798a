import { readdirSync, readFileSync } from 'node:fs';
import { procStat } from '../harness/machine.js';

/**
 * Resources of a whole process group (launcher + driver JVM + Python driver),
 * from /proc: the Spark engines are several processes, and "peak RSS" must
 * count all of them at the same instant.
 */
export interface GroupSample {
  readonly rssMb: number;
  readonly cpuSeconds: number;
}

/**
 * Samples one process group again and again. RSS counts only processes that
 * were already there at the previous sample: the driver JVM shells out for
 * local file operations (Hadoop's `readlink`, `chmod`, `rm` on the checkpoint,
 * through jspawnhelper), and until its exec such a child reports the JVM's
 * whole resident set as its own. Counting it measured 2.4–3.1 GB of "peak RSS"
 * for a group whose three real processes never held more than 1.8 GB.
 * CPU time counts every process (a child's ticks are its own).
 */
export class GroupSampler {
  private previous = new Set<string>();

  constructor(private readonly pgid: number) {}

  sample(): GroupSample {
    let rssKb = 0;
    let cpuSeconds = 0;
    const current = new Set<string>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = procStat(entry);
      if (stat?.processGroup !== this.pgid) continue;
      cpuSeconds += stat.cpuSeconds;
      // pid + start time: a reused pid is another process.
      const identity = `${entry}:${stat.startTicks}`;
      current.add(identity);
      if (!this.previous.has(identity)) continue;
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
        if (m) rssKb += Number(m[1]);
      } catch {
        // exited meanwhile
      }
    }
    this.previous = current;
    return { rssMb: Math.round(rssKb / 1024), cpuSeconds };
  }
}

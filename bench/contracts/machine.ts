import { cpus, loadavg, totalmem } from 'node:os';

/** One line describing where a benchmark ran: figures mean little without it. */
export function machineLine(): string {
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GB RAM, load average ${load}, node ${process.version}, ${new Date().toISOString()}`;
}

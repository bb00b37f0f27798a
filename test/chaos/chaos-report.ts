import { percentile, type CatchUp } from './catch-up.js';
import type { ChaosResult } from './chaos-run.js';
import { countByCause, zombieOutcome, type ZombieOutcome } from './conflicts.js';
import { FAULT_KINDS } from './fault-schedule.js';

/** Seconds from the fault (or the probe) to the marts holding everything acknowledged before it. */
export function recoverySeconds(c: CatchUp): number {
  return (c.builtAt! - c.since) / 1000;
}

const seconds = (value: number | undefined): string => (value === undefined ? '–' : `${value.toFixed(1)} s`);

/** The figures of a chaos run, as lines: faults by kind with recovery p50/p95, conflicts by cause, the checks. */
export function chaosReport(result: ChaosResult): string[] {
  const lines: string[] = [];
  const minutes = (result.faultsTo - result.faultsFrom) / 60_000;
  lines.push(`seed ${result.seed}; ${result.faults.length} faults in ${minutes.toFixed(1)} min; ${result.records.toLocaleString('en-US')} records acknowledged`);
  const baseline = result.baseline.map(recoverySeconds);
  lines.push(`catch-up without a fault (baseline, ${baseline.length} probes): p50 ${seconds(percentile(baseline, 50))}, p95 ${seconds(percentile(baseline, 95))}`);
  lines.push('fault kind | injected | missed | recovery p50 | p95 | max (isolated faults)');
  for (const kind of FAULT_KINDS) {
    const of = result.faults.filter((f) => f.event.scheduled.fault.kind === kind);
    const hit = of.filter((f) => !f.event.missed);
    const times = hit.filter((f) => f.isolated).map((f) => recoverySeconds(f.catchUp));
    const label = kind === 'kill' ? `kill (${[...new Set(hit.map((f) => (f.event.scheduled.fault as { target: string }).target))].sort().join(', ')})` : kind;
    lines.push(`${label} | ${of.length} | ${of.length - hit.length} | ${seconds(percentile(times, 50))} | ${seconds(percentile(times, 95))} | ${seconds(times.length ? Math.max(...times) : undefined)} (${times.length})`);
  }
  const byTarget = new Map<string, number>();
  for (const f of result.faults) {
    const fault = f.event.scheduled.fault;
    if (fault.kind === 'kill' && !f.event.missed) byTarget.set(fault.target, (byTarget.get(fault.target) ?? 0) + 1);
  }
  lines.push(`kills by process: ${[...byTarget].sort().map(([t, n]) => `${t} ${n}`).join(', ')}`);
  const causes = countByCause(result.conflicts);
  lines.push(`landing conflicts by cause: ${Object.entries(causes).map(([cause, n]) => `${cause} ${n}`).join(', ')}`);
  const outcomes = new Map<ZombieOutcome, number>();
  for (const outcome of result.zombies.map((z) => zombieOutcome(z, result.conflicts))) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  lines.push(`zombies by how they learned: ${[...outcomes].map(([outcome, n]) => `${outcome} ${n}`).join(', ') || 'none'}`);
  const restarts = new Map<string, number>();
  for (const i of result.incarnations) restarts.set(i.service, (restarts.get(i.service) ?? 0) + 1);
  lines.push(`process runs: ${[...restarts].map(([name, n]) => `${name} ${n}`).join(', ')}`);
  for (const check of result.checks) lines.push(`${check.failure ? 'FAILED' : 'ok'}: ${check.name}${check.failure ? `\n    ${check.failure.split('\n').slice(0, 30).join('\n    ')}` : ''}`);
  return lines;
}

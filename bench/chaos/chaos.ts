/**
 * Chaos benchmark: the whole pipeline under seeded faults for a long run —
 * the same run as the chaos test (test/chaos/chaos-run.ts: two ingesters in
 * one group, load-stg, build-marts on a timer, a steady feed; SIGKILL of any
 * process, a zombie past its session timeout, PostgreSQL and the broker killed
 * and restarted), only longer, so that the recovery times per fault kind have
 * enough samples for a p50 and a p95. It ends with the same end checks and
 * exits 1 when one fails.
 *
 *   node dist/bench/chaos/chaos.js [--minutes 30] [--seed N] [--rate 100]
 *
 * Env instead of flags: TURNOVER_CHAOS_MINUTES, TURNOVER_CHAOS_SEED (a replay),
 * TURNOVER_CHAOS_RATE (records a second). Without a seed, one is drawn and
 * printed first. Needs no stack: the run starts a private PostgreSQL and a
 * private broker of its own (`turnover setup kafka postgres` first).
 */
import { parseArgs } from 'node:util';
import { chaosReport } from '../../test/chaos/chaos-report.js';
import { runChaos } from '../../test/chaos/chaos-run.js';
import { chaosSeed } from '../../test/chaos/fault-schedule.js';
import { machineLine } from '../harness/machine.js';

function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not "${text}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { minutes: { type: 'string' }, seed: { type: 'string' }, rate: { type: 'string' } } });
  const minutes = positiveNumber('--minutes', values.minutes ?? process.env.TURNOVER_CHAOS_MINUTES ?? '30');
  const rate = positiveNumber('--rate', values.rate ?? process.env.TURNOVER_CHAOS_RATE ?? '100');
  const env = values.seed === undefined ? process.env : { ...process.env, TURNOVER_CHAOS_SEED: values.seed };
  const seed = chaosSeed(env, Math.floor(Math.random() * 0x1_0000_0000));
  const say = (line: string): void => void process.stdout.write(`${line}\n`);
  say(machineLine());
  say(`chaos benchmark: ${minutes} min of faults, ${rate} records/s`);
  const began = Date.now();
  // waits between faults a little longer than the test's: more faults recover on their own, so more recovery times count
  const result = await runChaos({ seed, faultMs: minutes * 60_000, waitMs: [3_000, 15_000], ratePerSecond: rate, baselineProbes: 10, say });
  for (const line of chaosReport(result)) say(line);
  say(`wall time ${((Date.now() - began) / 60_000).toFixed(1)} min (faults ${((result.faultsTo - result.faultsFrom) / 60_000).toFixed(1)} min); ${machineLine()}`);
  if (result.checks.some((c) => c.failure !== undefined)) {
    say(`FAILED: chaos seed ${seed} (replay: --seed ${seed}); logs in ${result.logDir}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});

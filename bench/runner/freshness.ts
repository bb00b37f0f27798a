/**
 * Freshness benchmark (SPEC §6, issues 9 and 22): in continuous mode, the
 * time from producing a record to its effect being visible in
 * cdm.global_metrics.
 *
 *   node dist/bench/runner/freshness.js [probes] [tail msg/s] [--json]     (default 60 probes, 3,000 msg/s)
 *
 * Runs the real main job (`turnover up`, every stage a child process) on a
 * fresh state dir with a generated live tail at the given rate, then produces
 * probe records one at a time: each is the `done` event of a new operation in
 * a currency the generator never uses (PROBE_CURRENCY), dated today by
 * default, so that the day the mart cycle rebuilds is the live tail's own day
 * and the n-th probe is visible when global_metrics(day, PROBE_CURRENCY)
 * counts n transactions. `TURNOVER_BENCH_PROBE_DAY=quiet` dates the probes
 * 2000-01-01 instead (a day nothing else touches: the pipeline's floor).
 *
 * A few warm-up probes (not counted), then ROUNDS (default 3) rounds of
 * probes; each round gives a p50 and a p95, and the verdicts hold the median
 * of the rounds' p95 against the targets. `BENCH_JSON=path` (or `--json`: the
 * JSON on stdout, the report on stderr) records the run.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProducer } from '../../src/kafka/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { runCli } from '../../test/support/cli.js';
import { backfillDone, freshStateDir, stackUrls, UpProcess, waitFor } from '../../test/runner/up-harness.js';
import { queryRows } from '../../test/staging/landing-support.js';
import { BenchReport } from '../harness/report.js';
import { secondsUp } from '../harness/rounding.js';
import { roundsFrom, runRounds } from '../harness/rounds.js';
import { percentile } from '../harness/stats.js';
import type { Target } from '../harness/verdict.js';

const QUIET_DAY = '2000-01-01';
/** Not one of the generator's currencies (430, 470, 410, 460, 450, 420, 440): only probes count under it. */
const PROBE_CURRENCY = 490;
const WARM_UP_PROBES = 3;
/** SPEC §6 (from 2026-12-07) states freshness on today at this live rate. */
const LIVE_RATE = 3_000;

function probeMessage(day: string, n: number): string {
  const id = randomUUID();
  const time = day === QUIET_DAY ? `12:00:${String(n % 60).padStart(2, '0')}` : new Date().toISOString().slice(11, 19);
  const at = `${day} ${time}`;
  return JSON.stringify({
    object_id: id,
    object_type: 'TRANSACTION',
    sent_dttm: at.replace(' ', 'T'),
    payload: { operation_id: id, account_number_from: 903810, account_number_to: 1_000_000 + n, currency_code: PROBE_CURRENCY, country: 'usa', status: 'done', transaction_type: 'sbp_incoming', amount: 10_000, transaction_dt: at },
  });
}

/**
 * The live-rate targets judge only a run whose tail really landed at the live
 * rate while the probes ran (a generator or ingester that falls behind would
 * make the pipeline look fresher than it is at that rate).
 */
function targets(onToday: boolean, landedPerS: number): Target[] {
  const notLive = !onToday
    ? 'stated for today, these probes are on a quiet day'
    : landedPerS < 0.95 * LIVE_RATE
      ? `stated at ${LIVE_RATE.toLocaleString('en')} msg/s, the tail landed ${Math.round(landedPerS).toLocaleString('en')} msg/s during the probes`
      : undefined;
  return [
    { better: 'lower', bound: 5, source: 'SPEC §6' },
    { better: 'lower', bound: 3, source: 'SPEC §6 from 2026-12-07, today at 3,000 msg/s', notApplicable: notLive },
    { better: 'lower', bound: 2, source: 'issue 22, at the live rate with turnover up', notApplicable: notLive },
  ];
}

async function main(): Promise<void> {
  const report = new BenchReport('freshness: produce -> visible in cdm.global_metrics, turnover up running');
  const probes = Number(report.args.positional[0] ?? 60);
  const tailRate = Number(report.args.positional[1] ?? LIVE_RATE);
  const onToday = process.env.TURNOVER_BENCH_PROBE_DAY !== 'quiet';
  const rounds = roundsFrom(process.env);
  const perRound = Math.max(1, Math.floor(probes / rounds));
  report.settings({ probes: perRound * rounds, rounds, probesPerRound: perRound, warmUpProbes: WARM_UP_PROBES, tailMsgPerS: tailRate, probeDay: onToday ? 'today' : QUIET_DAY, probeCurrency: PROBE_CURRENCY });
  const stateDir = freshStateDir();
  const up = new UpProcess(['--state-dir', stateDir, '--kafka-port', '0', '--postgres-port', '0', '--port', '0', '--backfill-days', '1', '--transactions-per-day', '2000', '--rate', String(tailRate), '--mart-interval', '1']);
  try {
    await waitFor('the backfill', async () => backfillDone(stateDir), up, 300_000);
    const urls = await stackUrls(stateDir);
    await waitFor('the live tail in the marts', async () => {
      const [row] = await queryRows<{ n: string | null }>(urls.warehouseUrl, 'select sum(cnt_transactions)::text as n from cdm.global_metrics where date_update = current_date');
      return Number(row?.n ?? 0) > 0;
    }, up, 300_000);

    const landed = async () => Number((await queryRows<{ n: string }>(urls.stagingUrl, 'select coalesce(sum(next_offset), 0)::text as n from raw.consumer_offsets'))[0]!.n);
    const producer = createProducer({ brokers: [urls.brokers], clientId: 'freshness-probe', securityProtocol: 'PLAINTEXT' }, silentLogger());
    let sentProbes = 0;
    /** Seconds from producing one probe to seeing it counted. */
    const probe = async (): Promise<number> => {
      const n = ++sentProbes;
      const day = onToday ? new Date().toISOString().slice(0, 10) : QUIET_DAY;
      if (onToday && day !== (await queryRows<{ d: string }>(urls.warehouseUrl, "select to_char(current_date, 'YYYY-MM-DD') as d"))[0]?.d) throw new Error('the day changed during the run: start it again');
      const sent = performance.now();
      await producer.send('transaction-service-input', [{ key: `probe-${n}`, value: probeMessage(day, n) }]);
      for (;;) {
        const [row] = await queryRows<{ n: string | null }>(urls.warehouseUrl, 'select cnt_transactions::text as n from cdm.global_metrics where date_update = $1 and currency_from = $2', [day, PROBE_CURRENCY]);
        if (Number(row?.n ?? 0) >= n) break;
        if (performance.now() - sent > 60_000) throw new Error(`probe ${n} not visible after 60 s`);
        await sleep(50);
      }
      const latency = (performance.now() - sent) / 1000;
      await sleep(500 + Math.random() * 1000); // probes at random phases of the runner's cadence
      return latency;
    };
    const probeRound = async (count: number): Promise<number[]> => {
      const latencies: number[] = [];
      for (let i = 0; i < count; i++) latencies.push(await probe());
      return latencies;
    };
    report.log(`probes on ${onToday ? 'today' : QUIET_DAY} in currency ${PROBE_CURRENCY}; background live tail ${tailRate} msg/s; mart interval 1 s, load-stg poll 1 s`);
    const landedBefore = { rows: await landed(), at: performance.now() };
    const measured = await runRounds({
      rounds,
      warmUp: async () => report.log(`warm-up, not counted: ${(await probeRound(WARM_UP_PROBES)).map((s) => s.toFixed(2)).join(', ')} s`),
      subject: () => probeRound(perRound),
      onRound: ({ round, subject }) => {
        const sorted = [...subject].sort((a, b) => a - b);
        report.log(`round ${round}: ${subject.length} probes, p50 ${secondsUp(percentile(sorted, 50))}, p95 ${secondsUp(percentile(sorted, 95))}, min ${secondsUp(sorted[0]!)}, max ${secondsUp(sorted.at(-1)!)}`);
        report.round({ round, latencies: subject });
      },
    });
    await producer.close();
    const landedPerS = (await landed() - landedBefore.rows) / ((performance.now() - landedBefore.at) / 1000);
    report.log(`the live tail landed ${Math.round(landedPerS).toLocaleString('en')} msg/s while the probes ran (asked: ${tailRate})`);
    report.log(`\nmedians over ${rounds} rounds:`);
    report.figure({ name: 'p50 of a round', better: 'lower', format: secondsUp }, measured.map((r) => percentile(r.subject, 50)));
    report.figure({ name: 'p95 of a round', better: 'lower', format: secondsUp, targets: targets(onToday, landedPerS) }, measured.map((r) => percentile(r.subject, 95)));
    const all = measured.flatMap((r) => r.subject);
    report.log(`all ${all.length} measured probes pooled: p50 ${secondsUp(percentile(all, 50))}, p95 ${secondsUp(percentile(all, 95))}, max ${secondsUp(Math.max(...all))}`);
  } finally {
    await up.interrupt();
    await runCli(['stack', 'down', '--state-dir', stateDir]);
    rmSync(stateDir, { recursive: true, force: true });
  }
  report.finish();
}

await main();

/**
 * Freshness benchmark (SPEC §6, issue 9): in continuous mode, the time from
 * producing a record to its effect being visible in cdm.global_metrics.
 *
 *   node dist/bench/runner/freshness.js [probes] [tail msg/s]     (default 60 probes, 200 msg/s)
 *
 * Runs the real main job (`turnover up`, every stage a child process) on a
 * fresh state dir with a generated live tail as background traffic, then
 * produces probe records one at a time: each is the `done` event of a new USD
 * operation dated 2000-01-01 (a day nothing else touches), so the n-th probe is
 * visible when global_metrics(2000-01-01, 420).cnt_transactions reaches n.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createProducer } from '../../src/kafka/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { runCli } from '../../test/support/cli.js';
import { backfillDone, freshStateDir, stackUrls, UpProcess, waitFor } from '../../test/runner/up-harness.js';
import { queryRows } from '../../test/staging/landing-support.js';
import { machineLine } from '../harness/machine.js';

const PROBE_DAY = '2000-01-01';
const probes = Number(process.argv[2] ?? 60);
const tailRate = Number(process.argv[3] ?? 200);

function probeMessage(n: number): string {
  const id = randomUUID();
  const at = `${PROBE_DAY} 12:00:${String(n % 60).padStart(2, '0')}`;
  return JSON.stringify({
    object_id: id,
    object_type: 'TRANSACTION',
    sent_dttm: at.replace(' ', 'T'),
    payload: { operation_id: id, account_number_from: 903810, account_number_to: 1_000_000 + n, currency_code: 420, country: 'usa', status: 'done', transaction_type: 'sbp_incoming', amount: 10_000, transaction_dt: at },
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  console.log(machineLine());
  const stateDir = freshStateDir();
  const up = new UpProcess(['--state-dir', stateDir, '--kafka-port', '0', '--postgres-port', '0', '--port', '0', '--backfill-days', '1', '--transactions-per-day', '2000', '--rate', String(tailRate), '--mart-interval', '1']);
  try {
    await waitFor('the backfill', async () => backfillDone(stateDir), up, 300_000);
    const urls = stackUrls(stateDir);
    await waitFor('the live tail in the marts', async () => {
      const [row] = await queryRows<{ n: string | null }>(urls.warehouseUrl, 'select sum(cnt_transactions)::text as n from cdm.global_metrics where date_update = current_date');
      return Number(row?.n ?? 0) > 0;
    }, up, 300_000);

    const producer = createProducer({ brokers: [urls.brokers], clientId: 'freshness-probe', securityProtocol: 'PLAINTEXT' }, silentLogger());
    const latencies: number[] = [];
    for (let n = 1; n <= probes; n++) {
      const sent = performance.now();
      await producer.send('transaction-service-input', [{ key: `probe-${n}`, value: probeMessage(n) }]);
      for (;;) {
        const [row] = await queryRows<{ n: string | null }>(urls.warehouseUrl, 'select cnt_transactions::text as n from cdm.global_metrics where date_update = $1 and currency_from = 420', [PROBE_DAY]);
        if (Number(row?.n ?? 0) >= n) break;
        if (performance.now() - sent > 60_000) throw new Error(`probe ${n} not visible after 60 s`);
        await sleep(50);
      }
      latencies.push((performance.now() - sent) / 1000);
      await sleep(500 + Math.random() * 1000); // probes at random phases of the runner's cadence
    }
    await producer.close();
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(`probes: ${probes}, background live tail: ${tailRate} msg/s, mart interval 1 s, load-stg poll 1 s`);
    console.log(`produce -> visible in cdm.global_metrics: p50 ${percentile(sorted, 50).toFixed(2)} s, p95 ${percentile(sorted, 95).toFixed(2)} s, max ${sorted.at(-1)!.toFixed(2)} s, min ${sorted[0]!.toFixed(2)} s`);
    console.log(machineLine());
  } finally {
    await up.interrupt();
    await runCli(['stack', 'down', '--state-dir', stateDir]);
    rmSync(stateDir, { recursive: true, force: true });
  }
}

await main();

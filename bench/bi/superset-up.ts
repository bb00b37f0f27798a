import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDefinition } from '../../src/bi/definition/definition.js';
import { SupersetClient } from '../../src/bi/superset/superset-client.js';
import { readAdmin } from '../../src/stack/superset/superset-secrets.js';
import { localSuperset } from '../../src/stack/index.js';
import { treeRss } from '../../src/process/process-state.js';
import { silentLogger } from '../../src/log/logger.js';
import { defaultCacheDir } from '../../src/paths.js';
import { venvReady } from '../../src/setup/python-venv.js';
import { LocalStack, stackEnv } from '../../src/stack/stack.js';
import { resolveStackSettings } from '../../src/stack/stack-settings.js';
import { runCli, type CliResult } from '../../test/support/cli.js';
import { machineLine } from '../harness/machine.js';

/**
 * Time from `turnover bi superset up` on a fresh state dir (the venv already
 * cached) to a provisioned dashboard, and the RSS of Superset (gunicorn
 * master + worker) after provisioning and after every chart's data has been
 * asked for once (what opening the dashboard does).
 *
 *   node dist/bench/bi/superset-up.js                 # a private stack with migrated, empty marts
 *   TURNOVER_WAREHOUSE_URL=postgres://… node dist/bench/bi/superset-up.js   # a warehouse with data
 */

/** The real CLI as a user runs it, timed (Superset's `up` takes minutes on a cold machine). */
async function timedCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult & { seconds: number }> {
  const started = performance.now();
  const result = await runCli(args, { env, timeoutMs: 900_000 });
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

const mb = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;

async function main(): Promise<void> {
  console.log(machineLine());
  if (!venvReady('superset', defaultCacheDir(process.env))) {
    console.log('the Superset venv is not cached: run `node bin/turnover.js setup python:superset` first (its time is not part of this figure)');
    process.exitCode = 1;
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'turnover-bench-bi-'));
  let stack: LocalStack | undefined;
  const stateDir = join(work, 'state');
  try {
    let warehouseUrl = process.env.TURNOVER_WAREHOUSE_URL;
    if (!warehouseUrl) {
      const stackDir = join(work, 'stack');
      stack = new LocalStack(await resolveStackSettings({ stateDir: stackDir, kafkaPort: 0, postgresPort: 0, kafkaHeap: '256m' }, process.env), process.env);
      await stack.up(silentLogger());
      const env = stackEnv(stack.settings);
      const migrated = await timedCli(['migrate'], env);
      if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
      warehouseUrl = env.TURNOVER_WAREHOUSE_URL!;
      console.log('warehouse: a private local stack, marts migrated and empty');
    } else {
      console.log('warehouse: TURNOVER_WAREHOUSE_URL');
    }
    const env = { TURNOVER_SUPERSET_ADMIN_USER: '', TURNOVER_SUPERSET_ADMIN_PASSWORD: '' };
    const up = await timedCli(['bi', 'superset', 'up', '--state-dir', stateDir, '--port', '0'], env);
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`);
    const provision = await timedCli(['bi', 'superset', 'provision', '--state-dir', stateDir], { ...env, TURNOVER_WAREHOUSE_URL: warehouseUrl });
    if (provision.code !== 0) throw new Error(`provision failed: ${provision.stderr}`);
    const url = /^Superset: (\S+)/m.exec(up.stdout)![1]!;
    const pid = (await localSuperset({ stateDir })).pid()!;
    const rssProvisioned = treeRss(pid);

    const admin = readAdmin(join(stateDir, 'superset'))!;
    const client = await SupersetClient.login(url, admin.user, admin.password);
    const charts = await client.get<{ result: { id: number }[] }>('/api/v1/chart/', { columns: ['id'], page_size: 100 });
    const dataStarted = performance.now();
    await Promise.all(charts.result.map((c) => client.get(`/api/v1/chart/${c.id}/data/`)));
    const dataSeconds = (performance.now() - dataStarted) / 1000;
    const rssLoaded = treeRss(pid);
    const second = await timedCli(['bi', 'superset', 'provision', '--state-dir', stateDir], { ...env, TURNOVER_WAREHOUSE_URL: warehouseUrl });

    const definition = loadDefinition();
    const objects = 1 + definition.datasets.size + definition.charts.length + 1;
    console.log(`bi superset up (fresh state dir, venv cached):  ${up.seconds.toFixed(1)} s`);
    console.log(`bi superset provision (${objects} objects):        ${provision.seconds.toFixed(1)} s`);
    console.log(`up -> provisioned dashboard:                     ${(up.seconds + provision.seconds).toFixed(1)} s`);
    console.log(`second provision (nothing to change):           ${second.seconds.toFixed(1)} s`);
    console.log(`data of all ${charts.result.length} charts, in parallel:             ${dataSeconds.toFixed(1)} s`);
    console.log(`Superset RSS (gunicorn master + 1 worker): ${mb(rssProvisioned)} after provisioning, ${mb(rssLoaded)} after every chart's data`);
    console.log(machineLine());
  } finally {
    await timedCli(['bi', 'superset', 'down', '--state-dir', stateDir], {});
    if (stack) await stack.down(silentLogger());
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { runCli } from '../support/cli.js';

/**
 * The operator's view of `turnover stack`: its own throwaway state dir and
 * free ports, so it can start and stop freely beside the shared test stack.
 */
describe('turnover stack up/down/status/env (real Kafka + PostgreSQL)', () => {
  let stateDir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    stateDir = mkdtempSync(join(tmpdir(), 'turnover-stack-cli-'));
    chmodSync(stateDir, 0o755);
    env = { TURNOVER_STATE_DIR: stateDir, TURNOVER_STACK_KAFKA_HEAP: '256m' };
  });
  after(async () => {
    await runCli(['stack', 'down'], { env });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('status with nothing running says so and exits 6 (the stack is not running)', async () => {
    const result = await runCli(['stack', 'status'], { env });
    assert.equal(result.code, 6);
    assert.match(result.stdout, /no stack in .* yet: run `turnover stack up`/);
    assert.match(result.stdout, /kafka\s+stopped/);
    assert.match(result.stdout, /postgres\s+stopped/);
  });

  it('env with nothing running fails with one line', async () => {
    const result = await runCli(['stack', 'env'], { env });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr.trim(), /^turnover: the local stack is not running \(kafka and postgres down\): run `turnover stack up` first$/);
  });

  it('up starts both, a second up reports "already running"', async () => {
    const first = await runCli(['stack', 'up', '--kafka-port', '0', '--postgres-port', '0'], { env, timeoutMs: 300_000 });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /started: postgres, kafka/);
    // what up prints stays in scrollback and CI logs: the URLs are there, their passwords masked
    const password = readFileSync(join(stateDir, 'postgres-superuser.password'), 'utf8').trim();
    assert.match(first.stdout, /TURNOVER_WAREHOUSE_URL=postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/turnover_dwh/);
    assert.ok(!first.stdout.includes(password), 'up printed the superuser password');
    const second = await runCli(['stack', 'up'], { env });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^stack already running/);
  });

  it('status is healthy and env prints exports that really connect', async () => {
    const status = await runCli(['stack', 'status', '--json'], { env });
    assert.equal(status.code, 0);
    const parsed = JSON.parse(status.stdout) as { healthy: boolean; components: { name: string; healthy: boolean }[] };
    assert.equal(parsed.healthy, true);
    assert.deepEqual(parsed.components.map((c) => [c.name, c.healthy]), [['kafka', true], ['postgres', true]]);

    const printed = await runCli(['stack', 'env'], { env });
    assert.equal(printed.code, 0);
    const exports = Object.fromEntries(
      printed.stdout.trim().split('\n').map((line) => {
        const m = /^export (TURNOVER_[A-Z_]+)=(.*)$/.exec(line);
        assert.ok(m, `not an export line: ${line}`);
        return [m[1]!, m[2]!];
      }),
    );
    assert.deepEqual(Object.keys(exports).sort(), [
      'TURNOVER_BI_WAREHOUSE_URL', 'TURNOVER_KAFKA_BROKERS', 'TURNOVER_LANDING_URL', 'TURNOVER_STAGING_URL', 'TURNOVER_STATE_DIR', 'TURNOVER_WAREHOUSE_URL',
    ]);
    // the landing's URL also under its old name, for scripts written against it
    assert.equal(exports.TURNOVER_STAGING_URL, exports.TURNOVER_LANDING_URL);
    for (const url of [exports.TURNOVER_LANDING_URL!, exports.TURNOVER_WAREHOUSE_URL!]) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ db: string }>('select current_database() as db');
      await client.end();
      assert.equal(rows[0]!.db, url.split('/').pop());
    }
  });

  it('locked doors: a generated SCRAM password in a 0600 file, no login without it, a read-only BI login for the marts', async () => {
    const files = ['postgres-superuser.password', 'postgres-bi.password'].map((name) => join(stateDir, name));
    for (const file of files) assert.equal(statSync(file).mode & 0o777, 0o600, `${file} is not 0600`);
    const [superuser, bi] = files.map((file) => readFileSync(file, 'utf8').trim());
    assert.notEqual(superuser, bi);
    const printed = await runCli(['stack', 'env'], { env });
    const exports = new Map(printed.stdout.trim().split('\n').map((line) => line.replace(/^export /, '').split(/=(.*)/s).slice(0, 2) as [string, string]));
    const warehouse = new URL(exports.get('TURNOVER_WAREHOUSE_URL')!);
    assert.equal(warehouse.password, superuser);
    const biUrl = new URL(exports.get('TURNOVER_BI_WAREHOUSE_URL')!);
    assert.deepEqual([biUrl.username, biUrl.password, biUrl.pathname], ['turnover_bi', bi, '/turnover_dwh']);

    // any local user who knows the port, without the password: refused, whatever the login
    for (const user of ['postgres', 'turnover_bi']) {
      const guess = new pg.Client({ host: '127.0.0.1', port: Number(warehouse.port), user, password: 'not-the-password', database: 'turnover_dwh' });
      await assert.rejects(guess.connect(), /password authentication failed for user/);
      await guess.end().catch(() => undefined);
    }
    const client = new pg.Client({ connectionString: biUrl.href });
    await client.connect();
    try {
      const { rows } = await client.query<{ usage: boolean; super: boolean }>(
        "select has_schema_privilege('cdm', 'usage') as usage, (select rolsuper from pg_roles where rolname = current_user) as super",
      );
      assert.deepEqual(rows[0], { usage: true, super: false });
      await assert.rejects(client.query('create table cdm.scratch (x int)'), /permission denied for schema cdm/);
    } finally {
      await client.end();
    }
    const landing = new pg.Client({ connectionString: biUrl.href.replace(/\/turnover_dwh$/, '/turnover') });
    await assert.rejects(landing.connect(), /permission denied for database "turnover"/);
    await landing.end().catch(() => undefined);
  });

  it('down stops both, a second down reports "not running", status then exits 1', async () => {
    const first = await runCli(['stack', 'down'], { env });
    assert.equal(first.code, 0);
    assert.match(first.stdout, /stopped: kafka, postgres/);
    const second = await runCli(['stack', 'down'], { env });
    assert.equal(second.code, 0);
    assert.match(second.stdout, /^stack is not running/);
    const status = await runCli(['stack', 'status'], { env });
    assert.equal(status.code, 6);
  });

  it('a restart reuses the data and the remembered ports', async () => {
    const up = await runCli(['stack', 'up'], { env, timeoutMs: 300_000 });
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /started: postgres, kafka/);
    const status = await runCli(['stack', 'status'], { env });
    assert.equal(status.code, 0);
  });
});

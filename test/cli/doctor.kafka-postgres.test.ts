import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPipeline, type LoadedPipeline } from '../dashboard/dashboard-support.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../../src/process/ports.js';
import { useStack, type TestStack } from '../support/stack.js';

/**
 * `turnover doctor` against the real test stack: a pipeline that ran (one
 * line per check, the known Kafka lag as its one warning, exit 0), and each
 * failure it must name with its exit status — Java missing (4), a database
 * without the schema (3), a warehouse that does not answer (5), no stack and
 * nothing configured (6) — plus a dashboard port taken by another program.
 */

interface Report {
  readonly findings: { section: string; name: string; level: 'ok' | 'warn' | 'fail'; summary: string; code?: string }[];
  readonly exitStatus: number;
}

async function doctor(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<{ code: number; report: Report; stderr: string }> {
  const result = await runCli(['doctor', '--json', ...args], { env, timeoutMs: 120_000 });
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

const find = (report: Report, name: string) => report.findings.find((f) => f.name === name);

describe('turnover doctor (real Kafka + PostgreSQL)', () => {
  let t: TestStack;
  let pipeline: LoadedPipeline;
  let emptyStateDir: string;
  let occupied: Server;
  let occupiedPort: number;

  before(async () => {
    t = await useStack();
    pipeline = await loadPipeline(t, 'doctor');
    // the pipeline's own build was of an interval: one without consumes the queue of touched days, as the continuous builder does
    const built = await runCli(['build-marts'], { env: pipeline.env });
    assert.equal(built.code, 0, built.stderr);
    emptyStateDir = mkdtempSync(join(tmpdir(), 'turnover-doctor-'));
    occupiedPort = await freePort();
    // another program on the dashboard's port: answers HTTP, but not as a turnover dashboard (a probe that hangs up is fine)
    occupied = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => occupied.listen(occupiedPort, '127.0.0.1', resolve));
  });
  after(async () => {
    occupied?.close();
    rmSync(emptyStateDir, { recursive: true, force: true });
    await t.release();
  });

  it('a pipeline that ran: every check ok but the Kafka lag it left, which is a warning (exit 0)', { timeout: 120_000 }, async () => {
    const { code, report } = await doctor({ ...pipeline.env, TURNOVER_STATE_DIR: t.stack.settings.stateDir });
    assert.equal(code, 0, JSON.stringify(report));
    assert.equal(report.exitStatus, 0);
    for (const name of ['node', 'java', 'kafka', 'postgres', 'landing', 'stg', 'marts']) assert.equal(find(report, name)?.level, 'ok', `${name}: ${JSON.stringify(find(report, name))}`);
    assert.equal(find(report, 'landing')!.summary, `${pipeline.landed.toLocaleString('en-US')} records landed (topic ${pipeline.topic}, group ${pipeline.env.TURNOVER_KAFKA_GROUP})`);
    assert.deepEqual(find(report, 'kafka lag'), { section: 'pipeline', name: 'kafka lag', level: 'warn', summary: `${pipeline.unlanded.toLocaleString('en-US')} records in Kafka not landed yet: is turnover ingest running?` });
    assert.match(find(report, 'marts')!.summary, /^current; last build \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
  });

  it('the screen: one line per check under its section, and the tally', { timeout: 120_000 }, async () => {
    const result = await runCli(['doctor'], { env: { ...pipeline.env, TURNOVER_STATE_DIR: t.stack.settings.stateDir }, timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^turnover doctor, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\n\nprerequisites\n {2}ok {4}node {7}v\d+/);
    for (const section of ['prerequisites', 'local stack', 'ports', 'pipeline']) assert.match(result.stdout, new RegExp(`\\n${section}( \\(|\\n)`));
    assert.match(result.stdout, /\n {2}warn {2}kafka lag {2}\d[\d,]* records in Kafka not landed yet/);
    assert.match(result.stdout, /\n0 failures, \d+ warnings?; exit status 0\n$/);
  });

  it('Java missing: a prerequisite, exit 4', { timeout: 120_000 }, async () => {
    const { code, report } = await doctor({ ...pipeline.env, TURNOVER_STATE_DIR: t.stack.settings.stateDir, JAVA_HOME: '/nonexistent/jdk' });
    assert.equal(code, 4);
    assert.equal(find(report, 'java')!.level, 'fail');
    assert.match(find(report, 'java')!.summary, /JDK 17\+ not found \(tried "\/nonexistent\/jdk\/bin\/java"\)/);
  });

  it('a warehouse without the schema: configuration, exit 3; one that does not answer: unavailable, exit 5', { timeout: 120_000 }, async () => {
    // the server's own `postgres` database: it answers, and holds no turnover schema
    const notMigrated = pipeline.warehouseUrl.replace(/\/[^/]+$/, '/postgres');
    const missing = await doctor({ ...pipeline.env, TURNOVER_STATE_DIR: t.stack.settings.stateDir, TURNOVER_WAREHOUSE_URL: notMigrated });
    assert.equal(missing.code, 3, JSON.stringify(missing.report));
    assert.equal(find(missing.report, 'warehouse')!.code, 'CONFIG');
    assert.match(find(missing.report, 'warehouse')!.summary, /not migrated\? turnover migrate/);

    const closed = await freePort();
    const down = await doctor({ ...pipeline.env, TURNOVER_STATE_DIR: t.stack.settings.stateDir, TURNOVER_WAREHOUSE_URL: `postgres://postgres@127.0.0.1:${closed}/warehouse` });
    assert.equal(down.code, 5, JSON.stringify(down.report));
    assert.equal(find(down.report, 'warehouse')!.code, 'UNAVAILABLE');
    assert.equal(find(down.report, 'landing')!.level, 'ok', 'the landing still answers');
  });

  it('no stack and nothing configured: the stack is not running, exit 6; a dashboard port taken by another program is a warning', { timeout: 120_000 }, async () => {
    const env: NodeJS.ProcessEnv = { TURNOVER_STATE_DIR: emptyStateDir, TURNOVER_LANDING_URL: '', TURNOVER_STAGING_URL: '', TURNOVER_WAREHOUSE_URL: '', TURNOVER_KAFKA_BROKERS: '' };
    const { code, report } = await doctor(env, ['--dashboard-port', String(occupiedPort)]);
    assert.equal(code, 6, JSON.stringify(report));
    assert.deepEqual(report.findings.filter((f) => f.section === 'local stack').map((f) => [f.name, f.level, f.code]), [
      ['kafka', 'fail', 'STACK'],
      ['postgres', 'fail', 'STACK'],
    ]);
    assert.equal(report.findings.filter((f) => f.section === 'pipeline').length, 0, 'nothing to look at');
    assert.deepEqual(find(report, 'dashboard'), { section: 'ports', name: 'dashboard', level: 'warn', summary: `${occupiedPort} is in use by another program: give turnover up / turnover dashboard another --port` });
  });
});

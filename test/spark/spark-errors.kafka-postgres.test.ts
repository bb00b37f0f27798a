import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import { useStack, type TestStack } from '../support/stack.js';

/** What an operator sees when the Spark engine cannot run: one line and a stable exit status. */
describe('turnover ingest --engine spark failures (real PostgreSQL and Kafka)', () => {
  let t: TestStack;
  let emptyCache: string;
  before(async () => {
    t = await useStack();
    emptyCache = mkdtempSync(join(tmpdir(), 'turnover-empty-cache-'));
  });
  after(async () => {
    rmSync(emptyCache, { recursive: true, force: true });
    await t?.release();
  });

  const oneLine = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('turnover: '));

  it('no Java: exit 4 with one line', async () => {
    const result = await runCli(['ingest', '--engine', 'spark'], { env: { ...t.env, JAVA_HOME: '/nonexistent-jdk' } });
    assert.equal(result.code, 4, result.stderr);
    assert.match(oneLine(result.stderr).join('\n'), /^turnover: JDK 17\+ not found \(tried "\/nonexistent-jdk\/bin\/java"\)/);
  });

  it('no Python to build the venv: exit 4 with one line', async () => {
    const result = await runCli(['ingest', '--engine', 'spark'], { env: { ...t.env, TURNOVER_CACHE_DIR: emptyCache, TURNOVER_PYTHON: '/nonexistent-python3' } });
    assert.equal(result.code, 4, result.stderr);
    assert.match(oneLine(result.stderr).join('\n'), /^turnover: Python 3\.10\+ not found \(tried "\/nonexistent-python3"\)/);
  });

  it('landing schema missing: the job says so in one line, exit 3', async () => {
    const { stagingUrl } = await t.freshDatabases('spark_no_schema');
    const topic = await t.freshTopic('spark_no_schema', 1);
    const result = await runCli(['ingest', '--engine', 'spark', '--master', 'local[1]'], { env: { ...t.env, TURNOVER_STAGING_URL: stagingUrl, TURNOVER_KAFKA_TOPIC: topic }, timeoutMs: 180_000 });
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(oneLine(result.stderr), ['turnover: the landing schema is missing: run `turnover migrate --only landing`']);
  });
});

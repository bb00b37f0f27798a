import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { classifySqlError } from '../../src/db/sqlstate.js';
import { silentLogger } from '../../src/log/logger.js';
import { backoffDelay, connectPolicy, transactionPolicy } from '../../src/retry/index.js';
import { defaultCacheDir } from '../../src/paths.js';
import { ensureVenv } from '../../src/setup/python-venv.js';
import { run } from '../../src/process/run-command.js';
import { PACKAGE_ROOT } from '../support/paths.js';

/** The job's pure parts run by Python's unittest in the Spark venv, and its SQLSTATE rule against the Node side's. */
describe('spark/ job units (Python unittest in the pinned Spark venv)', () => {
  let python: string;
  before(async () => {
    python = join(await ensureVenv('spark', defaultCacheDir(process.env), silentLogger(), process.env), 'bin', 'python');
  });

  it('pass', async () => {
    const result = await run(python, ['-m', 'unittest', 'discover', '-v', '-s', 'tests', '-t', '.'], { cwd: join(PACKAGE_ROOT, 'spark'), env: process.env });
    assert.equal(result.code, 0, result.stderr);
    const ran = /Ran (\d+) tests?/.exec(result.stderr);
    assert.ok(ran && Number(ran[1]) >= 30, `expected the unit tests to run: ${result.stderr.slice(-500)}`);
  });

  it("waits as src/retry/policies.ts says: the job's policies mirror connectPolicy and transactionPolicy", async () => {
    // the same failures and random draws through both formulas: numbers and arithmetic must agree
    const draws = [0, 0.25, 0.5, 0.999];
    const script = `
import json
from turnover_spark.retry import POLICIES
draws = ${JSON.stringify(draws)}
print(json.dumps({p.name: {"initial": p.initial_delay_ms, "max": p.max_delay_ms, "factor": p.factor, "jitter": p.jitter,
    "waits": [[p.delay_ms(n, lambda r=r: r) for r in draws] for n in range(1, 9)]} for p in POLICIES}))
`;
    const result = await run(python, ['-c', script], { cwd: join(PACKAGE_ROOT, 'spark'), env: process.env });
    assert.equal(result.code, 0, result.stderr);
    const expected = Object.fromEntries(
      [connectPolicy, transactionPolicy].map((p) => [
        p.name,
        {
          initial: p.initialDelayMs,
          max: p.maxDelayMs,
          factor: p.factor,
          jitter: p.jitter,
          waits: [1, 2, 3, 4, 5, 6, 7, 8].map((n) => draws.map((r) => backoffDelay(p, n, () => r))),
        },
      ]),
    );
    assert.deepEqual(JSON.parse(result.stdout), expected);
  });

  it('classify every SQLSTATE psycopg knows as src/db/sqlstate.ts does', async () => {
    // every error class psycopg defines carries its SQLSTATE: the table comes from psycopg, not from either classifier
    const script = `
import json, psycopg
from turnover_spark.sqlstate import kind_of_state
def walk(c):
    yield c
    for s in c.__subclasses__():
        yield from walk(s)
states = sorted({c.sqlstate for c in walk(psycopg.Error) if getattr(c, "sqlstate", None)})
print(json.dumps({s: kind_of_state(s) for s in states}))
`;
    const result = await run(python, ['-c', script], { cwd: join(PACKAGE_ROOT, 'spark'), env: process.env });
    assert.equal(result.code, 0, result.stderr);
    const pythonKinds = JSON.parse(result.stdout) as Record<string, string>;
    const states = Object.keys(pythonKinds);
    assert.ok(states.length > 200, `psycopg knows ${states.length} SQLSTATEs`);
    const differ = states.filter((s) => classifySqlError({ code: s }) !== pythonKinds[s]).map((s) => `${s}: python ${pythonKinds[s]}, node ${classifySqlError({ code: s })}`);
    assert.deepEqual(differ, []);
  });
});

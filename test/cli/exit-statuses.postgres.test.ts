import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EXIT_CODES } from '../../src/errors.js';
import { fixtureFeed } from '../marts/marts-support.js';
import { land, migratedDatabases, queryRows, spread } from '../staging/landing-support.js';
import { runCli } from '../support/cli.js';
import { armPause, CliProcess } from '../support/kill-points.js';
import { useStack, type TestStack } from '../support/stack.js';

/**
 * Every exit status docs/operations.md documents, each caused for real: the
 * real CLI against the test stack's PostgreSQL, a closed port, a host that
 * does not exist, a PATH without Java, a warehouse that silently drops a row,
 * two loaders, a signal. Each case also checks the one line the status comes
 * with (`turnover: <reason>`), so that a status reached for another reason
 * does not pass.
 */

interface Ending {
  readonly code: number | null;
  readonly output: string;
}

const TOPIC = 'transaction-service-input';

async function cli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Ending> {
  const result = await runCli(args, { env, timeoutMs: 300_000 });
  return { code: result.code, output: `${result.stdout}${result.stderr}` };
}

/** Databases with the live feed landed on one partition, migrated, nothing loaded yet. */
async function landedFeed(t: TestStack, label: string): Promise<NodeJS.ProcessEnv> {
  const db = await migratedDatabases(t, label);
  await land(db.stagingUrl, spread(TOPIC, fixtureFeed(), 1));
  return db.env;
}

describe('exit statuses, each caused for real (docs/operations.md)', () => {
  let t: TestStack;
  let scratch: string;
  before(async () => {
    t = await useStack();
    scratch = mkdtempSync(join(tmpdir(), 'turnover-exit-'));
  });
  after(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await t.release();
  });

  const cases: { status: number; name: string; cause: () => Promise<Ending>; line: RegExp }[] = [
    {
      status: 0,
      name: 'success',
      cause: async () => cli(['build-marts', '--dry-run'], (await migratedDatabases(t, 'exit_ok')).env),
      line: /nothing to build/,
    },
    {
      status: EXIT_CODES.USAGE,
      name: 'a bad flag value, named',
      cause: () => cli(['build-marts', '--from', '2026-13-01', '--to', '2026-13-02'], {}),
      line: /^turnover: --from must be a date YYYY-MM-DD/m,
    },
    {
      status: EXIT_CODES.CONFIG,
      name: 'a warehouse URL naming a database that does not exist',
      cause: async () => {
        const { warehouseUrl } = await t.freshDatabases('exit_nodb');
        const missing = new URL(warehouseUrl);
        missing.pathname = '/no_such_database_here';
        return cli(['build-marts'], { TURNOVER_WAREHOUSE_URL: missing.toString() });
      },
      line: /^turnover: .*no_such_database_here.*\(SQLSTATE 3D000\)/m,
    },
    {
      status: EXIT_CODES.CONFIG,
      name: 'an unknown host',
      cause: () => cli(['build-marts', '--unavailable-timeout', '0'], { TURNOVER_WAREHOUSE_URL: 'postgres://turnover@no-such-host.invalid:5432/dwh' }),
      line: /^turnover: the warehouse \(PostgreSQL\): unknown host .*ENOTFOUND/m,
    },
    {
      status: EXIT_CODES.PREREQUISITE,
      name: 'a missing prerequisite (no Java on PATH)',
      cause: () => cli(['setup', 'kafka'], { PATH: join(scratch, 'empty-path'), JAVA_HOME: '' }),
      line: /^turnover: JDK 17\+ not found/m,
    },
    {
      status: EXIT_CODES.UNAVAILABLE,
      name: 'a server that does not answer (past the retry deadline)',
      cause: () => cli(['build-marts', '--unavailable-timeout', '0'], { TURNOVER_WAREHOUSE_URL: 'postgres://turnover@127.0.0.1:1/dwh' }),
      line: /^turnover: the warehouse \(PostgreSQL\) is not reachable: connect ECONNREFUSED/m,
    },
    {
      status: EXIT_CODES.STACK,
      name: 'the local stack not running',
      cause: () => cli(['stack', 'status', '--state-dir', join(scratch, 'no-stack')], {}),
      line: /no stack in .* yet: run `turnover stack up`/,
    },
    {
      status: EXIT_CODES.RECONCILIATION,
      name: 'an STG chunk that does not reconcile (a warehouse trigger swallows one row)',
      cause: async () => {
        const env = await landedFeed(t, 'exit_reconcile');
        const done = fixtureFeed()
          .map((value) => JSON.parse(value.toString()) as { object_type: string; payload: { operation_id?: string; status?: string } })
          .find((m) => m.object_type === 'TRANSACTION' && m.payload.status === 'done');
        assert.ok(done?.payload.operation_id);
        // a BEFORE trigger returning NULL drops the row without an error: only the reconciliation can notice
        await queryRows(env.TURNOVER_WAREHOUSE_URL!, `
          create function stg.swallow_one() returns trigger language plpgsql as $$
          begin
            if new.operation_id::text = '${done.payload.operation_id}' and new.status = 'done' then return null; end if;
            return new;
          end $$`);
        await queryRows(env.TURNOVER_WAREHOUSE_URL!, 'create trigger swallow_one before insert on stg.transactions for each row execute function stg.swallow_one()');
        return cli(['load-stg', '--until-caught-up'], env);
      },
      line: /^turnover: .*does not reconcile, rolled back/m,
    },
    {
      status: EXIT_CODES.CONFLICT,
      // two loaders take turns (a conflict is retried from the committed state, docs/operations.md
      // "Retries"); 8 is what a loader told not to wait (--unavailable-timeout 0) ends with
      name: 'two loaders, the first not allowed to wait: the second moved the watermark while the first held a chunk',
      cause: async () => {
        const env = await landedFeed(t, 'exit_conflict');
        const pause = armPause('stg-chunk-read', 1);
        try {
          const first = new CliProcess(['load-stg', '--until-caught-up', '--unavailable-timeout', '0'], { ...env, ...pause.env });
          await pause.reached(first);
          const second = await cli(['load-stg', '--until-caught-up'], env);
          assert.equal(second.code, 0, second.output);
          writeFileSync(join(pause.env.TURNOVER_TEST_PAUSE_DIR!, 'stg-chunk-read.release'), '');
          const ended = await first.wait();
          return { code: ended.code, output: first.stdout + first.stderr };
        } finally {
          await pause.disarm();
        }
      },
      line: /^turnover: the watermark of .* expected .*: another load-stg is loading this warehouse/m,
    },
    {
      status: EXIT_CODES.REJECTS,
      name: 'validate --fail-on-reject on a feed with a reject',
      cause: async () => {
        const file = join(scratch, 'feed.jsonl');
        writeFileSync(file, `${fixtureFeed().slice(0, 3).join('\n')}\nnot json\n`);
        return cli(['validate', '--fail-on-reject', file], {});
      },
      line: /^turnover: .*feed\.jsonl: 1 of 4 messages rejected \(not_json 1\)$/m,
    },
    {
      status: 130,
      name: 'interrupted by a signal between two days',
      cause: async () => {
        const env = await landedFeed(t, 'exit_interrupt');
        assert.equal((await cli(['load-stg', '--until-caught-up'], env)).code, 0);
        const pause = armPause('marts-step-committed', 1);
        try {
          const build = new CliProcess(['build-marts', '--from', '2022-09-30', '--to', '2022-10-02', '--parallel', '1'], { ...env, ...pause.env });
          await pause.reached(build);
          process.kill(build.pid, 'SIGINT');
          writeFileSync(join(pause.env.TURNOVER_TEST_PAUSE_DIR!, 'marts-step-committed.release'), '');
          const ended = await build.wait();
          return { code: ended.code, output: build.stdout + build.stderr };
        } finally {
          await pause.disarm();
        }
      },
      line: /interrupted/,
    },
  ];

  for (const c of cases) {
    it(`exit ${c.status}: ${c.name}`, { timeout: 300_000 }, async () => {
      const ending = await c.cause();
      assert.equal(ending.code, c.status, ending.output);
      assert.match(ending.output, c.line);
    });
  }

  it('the table covers every documented status but 9 (the ingester\'s offsets, test/ingest) and 64 (nothing is unimplemented)', () => {
    const covered = new Set(cases.map((c) => c.status));
    const documented = [0, ...Object.values(EXIT_CODES), 130].filter((s) => s !== EXIT_CODES.INTERNAL && s !== EXIT_CODES.OFFSET_MISMATCH && s !== EXIT_CODES.NOT_IMPLEMENTED);
    assert.deepEqual([...covered].sort((a, b) => a - b), [...new Set(documented)].sort((a, b) => a - b));
  });
});

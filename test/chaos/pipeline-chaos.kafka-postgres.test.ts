import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chaosReport } from './chaos-report.js';
import { runChaos } from './chaos-run.js';
import { chaosSeed } from './fault-schedule.js';

/**
 * The whole pipeline under seeded faults, on a private PostgreSQL and a
 * private Kafka broker (chaos-pipeline.ts): two `turnover ingest` in one
 * group, a continuous `turnover load-stg`, `turnover build-marts` on a
 * timer, a steady generated feed with redeliveries, corrections, late events
 * and poison. The faults — SIGKILL of each process, an ingester stopped past
 * its session timeout (a zombie), PostgreSQL's postmaster and the broker
 * killed and restarted — follow a schedule drawn from a seed, printed first;
 * `TURNOVER_CHAOS_SEED=<seed>` replays it. After the last fault the pipeline
 * must catch up and every end check hold (end-checks.ts): the landing equals
 * the producer's acknowledged records, the fence never needed the primary
 * key, conflicts only where two writers could land, no process died by
 * itself, STG and the marts equal a clean run and the independent recount.
 * About five minutes on two cores.
 */
const DEFAULT_SEED = 20261207;

describe('the pipeline under seeded faults (private real Kafka + PostgreSQL)', () => {
  it('loses nothing, doubles nothing, and never leans on the primary key', async (ctx) => {
    const seed = chaosSeed(process.env, DEFAULT_SEED);
    const say = (line: string): void => {
      process.stderr.write(`${line}\n`); // at once: a run that hangs has still printed its seed and schedule
      ctx.diagnostic(line);
    };
    const result = await runChaos({ seed, faultMs: 150_000, waitMs: [2_000, 9_000], ratePerSecond: 100, baselineProbes: 2, say });
    for (const line of chaosReport(result)) say(line);
    const failed = result.checks.filter((c) => c.failure !== undefined);
    assert.deepEqual(failed, [], `chaos seed ${seed} (replay: TURNOVER_CHAOS_SEED=${seed}); logs in ${result.logDir}`);
  });
});

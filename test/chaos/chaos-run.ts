import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ingestMetric } from '../ingest/landing-proof.js';
import { CatchUpWatcher, type CatchUp } from './catch-up.js';
import { chaosFeed } from './chaos-feed.js';
import { CHAOS_GROUP, CHAOS_PARTITIONS, CHAOS_TOPIC, ChaosPipeline } from './chaos-pipeline.js';
import { cleanRun } from './clean-run.js';
import { classifyConflicts, type ClassifiedConflict, type ZombieEpisode } from './conflicts.js';
import { endChecks, type CheckResult } from './end-checks.js';
import { FaultInjector, until, within, type FaultEvent } from './fault-injector.js';
import { seededRandom } from '../support/seeded-random.js';
import { describeFault, describeSchedule, faultSchedule, INGESTERS, type ScheduledFault } from './fault-schedule.js';
import type { Incarnation } from './service.js';
import { SteadyProducer } from './steady-producer.js';

export interface ChaosOptions {
  readonly seed: number;
  /** How long the faults should take (the schedule is drawn to fill it). */
  readonly faultMs: number;
  /** The wait before each fault, drawn from [min, max]. */
  readonly waitMs: readonly [number, number];
  readonly ratePerSecond: number;
  /** Catch-ups measured before the first fault, at random moments: the baseline of the recovery times. */
  readonly baselineProbes: number;
  readonly sessionTimeoutMs?: number;
  readonly buildIntervalMs?: number;
  readonly restartDelayMs?: number;
  /** Where the processes' logs go (a new temporary folder by default; it is kept). */
  readonly logDir?: string;
  /** Progress lines (the seed and the schedule first). */
  readonly say: (line: string) => void;
}

/** One fault as it happened, and when the pipeline had caught up with what was produced before it. */
export interface FaultRecord {
  readonly event: FaultEvent;
  readonly catchUp: CatchUp;
  /** The pipeline caught up before the next fault hit: its recovery time is its own. */
  readonly isolated: boolean;
}

export interface ChaosResult {
  readonly seed: number;
  readonly schedule: readonly ScheduledFault[];
  readonly logDir: string;
  readonly baseline: readonly CatchUp[];
  readonly faults: readonly FaultRecord[];
  readonly records: number;
  readonly conflicts: readonly ClassifiedConflict[];
  readonly zombies: readonly ZombieEpisode[];
  readonly incarnations: readonly Incarnation[];
  readonly checks: readonly CheckResult[];
  readonly startedAt: number;
  readonly faultsFrom: number;
  readonly faultsTo: number;
}

const CATCH_UP_MS = 600_000;

/**
 * The chaos run: the pipeline on private servers under a steady feed, the
 * seeded faults one after another, then no more faults and no more input:
 * the pipeline catches up, every process is stopped, a clean run reads the
 * same records, and the end checks compare (end-checks.ts).
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const sessionTimeoutMs = options.sessionTimeoutMs ?? 6_000;
  const schedule = faultSchedule({ seed: options.seed, durationMs: options.faultMs, waitMs: options.waitMs, sessionTimeoutMs });
  options.say(describeSchedule(options.seed, schedule));
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'turnover-chaos-'));
  options.say(`process logs in ${logDir}`);
  const startedAt = Date.now();
  const pipeline = await ChaosPipeline.start({
    logDir,
    sessionTimeoutMs,
    buildIntervalMs: options.buildIntervalMs ?? 2_000,
    restartDelayMs: options.restartDelayMs ?? 1_000,
  });
  const producer = new SteadyProducer(pipeline.kafka.config, CHAOS_TOPIC, chaosFeed({ partitions: CHAOS_PARTITIONS, seed: options.seed, transactionsPerDay: 400 }), options.ratePerSecond);
  const watcher = new CatchUpWatcher(pipeline.databases, CHAOS_GROUP, pipeline.service('build-marts'));
  try {
    producer.start();
    pipeline.startServices();
    watcher.start();
    const caughtUp = (what: string, since = Date.now()): Promise<CatchUp> => within(watcher.watch(producer.acknowledgedEnds(), since), CATCH_UP_MS, what);

    // the pipeline works before anything fails; the catch-up times without a fault are the baseline
    const random = seededRandom(options.seed ^ 0x5eed);
    const baseline: CatchUp[] = [];
    for (let i = 0; i < options.baselineProbes; i++) {
      await sleep(Math.round(500 + random() * 2_500));
      baseline.push(await caughtUp(`the pipeline to catch up before the faults (probe ${i + 1})`));
    }

    const faultsFrom = Date.now();
    const events: FaultEvent[] = [];
    const catchUps: Promise<CatchUp>[] = [];
    const injector = new FaultInjector(pipeline, sessionTimeoutMs);
    for (const scheduled of schedule) {
      if (producer.error) throw producer.error;
      await sleep(scheduled.waitMs);
      const event = await injector.inject(scheduled);
      events.push(event);
      options.say(`#${scheduled.index} ${describeFault(scheduled.fault)}: ${event.detail}`);
      // the fault is over, and so is the producer's backlog when Kafka was away: from here, caught up (catch-up.ts)
      await until(() => producer.onSchedule || producer.error !== undefined, CATCH_UP_MS, "the producer's backlog to be sent");
      const recovered = caughtUp(`the pipeline to catch up after fault #${scheduled.index}`, event.injectedAt);
      recovered.catch(() => undefined); // awaited below
      catchUps.push(recovered);
    }
    const faultsTo = Date.now();

    // no more faults, no more input: everything acknowledged must come through
    await producer.stop();
    if (producer.error) throw producer.error;
    await caughtUp('the pipeline to catch up after the last fault');
    const recoveries = await Promise.all(catchUps);
    const faults = events.map((event, i) => ({ event, catchUp: recoveries[i]!, isolated: i + 1 >= events.length || recoveries[i]!.builtAt! <= events[i + 1]!.injectedAt }));

    const finalCounters = await liveIngesterCounters(pipeline);
    const finalExits = await pipeline.stopServices();
    await watcher.stop();
    await producer.close();
    const zombies = events.flatMap((e) => (e.zombie ? [e.zombie] : []));
    const conflicts = classifyConflicts(
      pipeline.incarnations().filter((i) => i.service.startsWith('ingest-')),
      zombies,
    );
    options.say(`${producer.producer.count} records acknowledged; a clean run reads them again`);
    const clean = await cleanRun(pipeline, producer.producer.count);
    const checks = await endChecks({ pipeline, acknowledged: producer.producer.acknowledged, finalExits, finalCounters, conflicts, zombies, clean });
    return {
      seed: options.seed,
      schedule,
      logDir,
      baseline,
      faults,
      records: producer.producer.count,
      conflicts,
      zombies,
      incarnations: pipeline.incarnations(),
      checks,
      startedAt,
      faultsFrom,
      faultsTo,
    };
  } finally {
    await watcher.stop();
    await producer.close().catch(() => undefined);
    await pipeline.remove();
  }
}

/** The Prometheus counters of each ingester incarnation still running (read before the final stop). */
async function liveIngesterCounters(pipeline: ChaosPipeline): Promise<Map<Incarnation, { conflicts: number; primaryKeyHits: number }>> {
  const counters = new Map<Incarnation, { conflicts: number; primaryKeyHits: number }>();
  for (const name of INGESTERS) {
    const running = pipeline.service(name).running;
    const port = pipeline.metricsPorts.get(name)!;
    if (!running) continue;
    counters.set(running, { conflicts: await ingestMetric(port, 'turnover_ingest_conflicts_total'), primaryKeyHits: await ingestMetric(port, 'turnover_ingest_primary_key_hits_total') });
  }
  return counters;
}

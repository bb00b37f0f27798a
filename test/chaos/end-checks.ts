import assert from 'node:assert/strict';
import { tailFile } from '../../src/process/log-tail.js';
import { acknowledgedSummary, groupOffsets, landedSummary } from '../ingest/ingest-harness.js';
import { duplicateKeyRefusalsIn } from '../ingest/landing-proof.js';
import { martSnapshot } from '../marts/marts-support.js';
import { stgSnapshot, type Landed } from '../staging/landing-support.js';
import type { AcknowledgedRecord } from '../support/acknowledged-producer.js';
import { assertCountersAccountForEveryRecord, assertMartsEqualReference } from '../support/crash-checks.js';
import { CHAOS_GROUP, CHAOS_TOPIC, type ChaosPipeline, type LandingDatabases } from './chaos-pipeline.js';
import { zombieOutcome, type ClassifiedConflict, type ZombieEpisode } from './conflicts.js';
import type { ProcessName } from './fault-schedule.js';
import { isConflict, isPrimaryKeyHit, readLog } from './ingester-log.js';
import type { Incarnation } from './service.js';

/** What the chaos run leaves for the end checks. */
export interface ChaosOutcome {
  readonly pipeline: ChaosPipeline;
  readonly acknowledged: ReadonlyMap<number, readonly AcknowledgedRecord[]>;
  /** Each process's last incarnation after the final stop (undefined: a timer between runs). */
  readonly finalExits: ReadonlyMap<ProcessName, Incarnation | undefined>;
  /** The Prometheus counters of the ingester incarnations alive at the end, read before the stop. */
  readonly finalCounters: ReadonlyMap<Incarnation, { readonly conflicts: number; readonly primaryKeyHits: number }>;
  readonly conflicts: readonly ClassifiedConflict[];
  readonly zombies: readonly ZombieEpisode[];
  readonly clean: LandingDatabases;
}

export interface CheckResult {
  readonly name: string;
  /** Why it failed; absent when it held. */
  readonly failure?: string;
}

/** The acknowledged records as the landing must hold them, for the STG and mart checks (the reference reads these, not the landing). */
export function acknowledgedAsLanded(acknowledged: ReadonlyMap<number, readonly AcknowledgedRecord[]>): Landed[] {
  return [...acknowledged].flatMap(([partition, records]) =>
    records.map((r) => ({ topic: CHAOS_TOPIC, partition, offset: r.offset, value: r.value, kafkaTimestamp: new Date(r.timestamp!).toISOString() })),
  );
}

/**
 * Every end check, each run even when an earlier one failed (a chaos failure
 * is read best with all of them): the landing against the producer, the
 * fence, the processes' exits, STG and the marts against a clean run and
 * against the independent recount.
 */
export async function endChecks(o: ChaosOutcome): Promise<CheckResult[]> {
  const { landingUrl, warehouseUrl } = o.pipeline.databases;
  const landed = acknowledgedAsLanded(o.acknowledged);
  const ingesters = o.pipeline.incarnations().filter((i) => i.service.startsWith('ingest-'));
  const checks: [string, () => Promise<void> | void][] = [
    [
      'raw.kafka_messages holds every acknowledged record exactly once, byte-exact',
      async () => assert.deepEqual(await landedSummary(landingUrl, CHAOS_TOPIC), acknowledgedSummary(o.acknowledged)),
    ],
    [
      "raw.consumer_offsets stands at the end of the acknowledged log",
      async () => {
        const ends = [...o.acknowledged].map(([p, records]) => [p, records.at(-1)!.offset + 1]).sort(([a], [b]) => a! - b!);
        assert.deepEqual([...(await groupOffsets(landingUrl, CHAOS_GROUP, CHAOS_TOPIC))].sort(([a], [b]) => a - b), ends);
      },
    ],
    [
      'the fence never needed the primary key (PostgreSQL refused no duplicate key, no primary-key hit logged or counted)',
      () => {
        assert.equal(duplicateKeyRefusalsIn(o.pipeline.postgres.logFile, CHAOS_TOPIC), 0, 'duplicate keys refused by PostgreSQL');
        const hits = ingesters.flatMap((i) => readLog(i).filter(isPrimaryKeyHit).map((l) => `${i.service}#${i.number} at ${l.time}`));
        assert.deepEqual(hits, [], 'primary-key hits in the ingesters logs');
        for (const [incarnation, counters] of o.finalCounters) assert.equal(counters.primaryKeyHits, 0, `turnover_ingest_primary_key_hits_total of ${incarnation.service}#${incarnation.number}`);
      },
    ],
    [
      'conflicts only where two writers could land a partition',
      () => assert.deepEqual(o.conflicts.filter((c) => c.cause === 'single-writer'), [], 'conflicts with one writer'),
    ],
    [
      'every zombie learned its partitions were gone — the fence refused its late transaction, or the group told it first — and it rejoined',
      () => {
        for (const z of o.zombies) {
          const who = `${z.incarnation.service}#${z.incarnation.number}`;
          assert.ok(z.rejoinedAt !== undefined, `${who} rejoined the group after SIGCONT`);
          const outcome = zombieOutcome(z, o.conflicts);
          const expected = z.heldCopy
            ? `${who} was stopped inside its COPY; the member that waited on its locks met the fence after SIGCONT`
            : `${who} tried to land what it fetched before SIGSTOP and the fence refused it, or heard from the group first that its partitions were gone`;
          assert.notEqual(outcome, 'unexplained', expected);
        }
      },
    ],
    [
      'the fence was tried: with three zombies or more, at least one met it (told-first is about 1 zombie in 36, so all of three is about 1 run in 50,000)',
      () => {
        if (o.zombies.length < 3) return;
        const outcomes = o.zombies.map((z) => zombieOutcome(z, o.conflicts));
        assert.ok(outcomes.some((outcome) => outcome === 'refused' || outcome === 'held-copy'), `no zombie met the fence: ${outcomes.join(', ')}`);
      },
    ],
    [
      "the ingesters' conflict counters agree with their logs",
      () => {
        for (const [incarnation, counters] of o.finalCounters) {
          assert.equal(counters.conflicts, readLog(incarnation).filter(isConflict).length, `turnover_ingest_conflicts_total of ${incarnation.service}#${incarnation.number}`);
        }
      },
    ],
    [
      'no process exited unless the chaos killed it',
      () => assert.deepEqual(o.pipeline.incarnations().filter((i) => i.cause === 'unexpected').map(exitLine), []),
    ],
    [
      'every process ended with exit status 0 at the final stop',
      () => {
        const exits = [...o.finalExits].filter(([, i]) => i !== undefined).map(([name, i]) => [name, i!.code, i!.signal]);
        assert.deepEqual(exits, exits.map(([name]) => [name, 0, null]));
      },
    ],
    ['stg.load_state counters account for every landed record once', async () => void (await assertCountersAccountForEveryRecord(warehouseUrl, landed))],
    ['STG equals the clean run row for row', async () => assert.deepEqual(await stgSnapshot(warehouseUrl), await stgSnapshot(o.clean.warehouseUrl))],
    [
      'the marts equal the clean run row for row (late arrivals aside: they count rows loaded after their day was built, a matter of timing)',
      async () => assert.deepEqual(withoutLateArrivals(await martSnapshot(warehouseUrl)), withoutLateArrivals(await martSnapshot(o.clean.warehouseUrl))),
    ],
    ['global_metrics and data quality equal the independent recount (test/marts/reference.ts)', () => assertMartsEqualReference(warehouseUrl, landed, '')],
  ];
  const results: CheckResult[] = [];
  for (const [name, check] of checks) {
    try {
      await check();
      results.push({ name });
    } catch (error) {
      results.push({ name, failure: (error as Error).message });
    }
  }
  return results;
}

function withoutLateArrivals(snapshot: Record<string, unknown[]>): Record<string, unknown[]> {
  return { ...snapshot, data_quality_daily: snapshot.data_quality_daily!.filter((r) => !String((r as { row: string }).row).includes(',late_arrivals,')) };
}

function exitLine(i: Incarnation): string {
  return `${i.service}#${i.number} (pid ${i.pid}) exited ${i.code ?? i.signal}; log ${i.logFile}:\n${tailFile(i.logFile, 5)}`;
}

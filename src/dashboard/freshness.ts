import type { LandedPartitionRow } from '../landing/index.js';
import type { LandingProbe } from './landing-probe.js';
import type { DashboardQueries, LoadStateRow } from './queries.js';
import type { Freshness, KafkaLag, Landing, SourceProblem } from './types.js';

const latest = (values: readonly (string | null)[]): string | null => values.filter((v): v is string => v !== null).sort().at(-1) ?? null;

export function isSourceProblem(value: unknown): value is SourceProblem {
  return typeof value === 'object' && value !== null && 'reason' in value;
}

/**
 * Can the numbers be trusted right now? The last mart build and STG load
 * (warehouse; a failure there fails the request like any other), the last
 * record landed and the landing backlog (landing zone), the consumer lag
 * (Kafka end offsets against the group's offsets in the landing zone, which
 * are the ingester's source of truth). Sources are read in parallel.
 */
export async function freshness(queries: DashboardQueries, probe: LandingProbe, now: () => Date = () => new Date()): Promise<Freshness> {
  const [overview, loadState, landed, ends] = await Promise.all([queries.overview(), queries.loadState(), probe.landedPartitions(), probe.endOffsets()]);
  // STG's watermarks of the incarnation the landing rows describe (a recreated topic's offsets restart)
  const incarnation = isSourceProblem(landed) ? undefined : landed[0]?.incarnation;
  const stgOfTopic = new Map(loadState.filter((s) => s.topic === probe.topic && s.incarnation === incarnation).map((s) => [s.partition, s]));
  const landing = isSourceProblem(landed) ? landed : landingFacts(landed, stgOfTopic, probe);
  return {
    checkedAt: now().toISOString(),
    marts: { lastBuiltAt: overview.lastBuiltAt, lastBuiltDay: overview.lastBuiltDay },
    stg: { loadedAt: overview.stgLoadedAt, partitions: loadState },
    landing,
    kafka: isSourceProblem(landed) && !isSourceProblem(ends) ? { status: landed.status, reason: `consumer offsets unknown: ${landed.reason}` } : kafkaLag(ends, isSourceProblem(landed) ? [] : landed, probe),
  };
}

function landingFacts(rows: readonly LandedPartitionRow[], stg: ReadonlyMap<number, LoadStateRow>, probe: LandingProbe): Landing {
  const partitions = rows.map((row) => {
    let backlogToStg: number | null = null;
    if (row.lastOffset !== null && row.firstOffset !== null) {
      // offsets behind STG: from where STG stands (or the first landed record) to the last landed one
      const loadedUpTo = Math.max(stg.get(row.partition)?.nextOffset ?? row.firstOffset, row.firstOffset);
      backlogToStg = Math.max(0, row.lastOffset + 1 - loadedUpTo);
    }
    return { ...row, backlogToStg };
  });
  const backlogs = partitions.map((p) => p.backlogToStg).filter((b): b is number => b !== null);
  return {
    status: 'ok',
    topic: probe.topic,
    group: probe.group,
    lastLandedAt: latest(rows.map((r) => r.ingestedAt)),
    lastEventAt: latest(rows.map((r) => r.kafkaTimestamp)),
    backlogToStg: backlogs.length ? backlogs.reduce((a, b) => a + b, 0) : null,
    partitions,
  };
}

function kafkaLag(ends: Awaited<ReturnType<LandingProbe['endOffsets']>>, landed: readonly LandedPartitionRow[], probe: LandingProbe): KafkaLag | SourceProblem {
  if (isSourceProblem(ends)) return ends;
  const next = new Map(landed.map((r) => [r.partition, r.groupNextOffset]));
  const partitions = [...ends.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partition, { low, high }]) => {
      // a group offset below the log start (retention) counts from the log start
      const nextOffset = Math.max(next.get(partition) ?? low, low);
      return { partition, endOffset: high, nextOffset, lag: Math.max(0, high - nextOffset) };
    });
  return { status: 'ok', topic: probe.topic, group: probe.group, lag: partitions.reduce((sum, p) => sum + p.lag, 0), partitions };
}

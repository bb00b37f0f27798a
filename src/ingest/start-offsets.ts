import { OffsetMismatchError, TurnoverError, UnavailableError } from '../errors.js';
import type { TopicLog } from '../kafka/client.js';
import type { Logger } from '../log/logger.js';
import type { LandingPort } from './landing-thread.js';
import type { OffsetResetMetrics } from './reset-metrics.js';
import { judgeOffsets, mismatchLine, planReset, stopLine, type Judgement, type OffsetResetPolicy, type ResetPlan } from './offset-reset.js';

export interface StartOffsetsDeps {
  readonly topic: string;
  readonly store: LandingPort;
  /** Kafka's topic id and partition bounds, read together; throws UnavailableError when Kafka is away. */
  readonly topicLog: () => Promise<TopicLog>;
  readonly policy: OffsetResetPolicy;
  readonly metrics: ResetMetrics;
  readonly logger: Logger;
  /** How long a stored offset past the log end may be a restarted broker's lagging high watermark (see below). */
  readonly truncationGraceMs: number;
  /** When a stored offset was first seen past the log end; kept by the caller across calls, cleared once they fit. */
  readonly truncation: { since?: number };
}

/** The metrics a decision moves (the Node ingester's IngestMetrics, or the Spark launcher's OffsetResetMetrics). */
export type ResetMetrics = Pick<OffsetResetMetrics, 'offsetReset' | 'skippedRecords' | 'incarnation'>;

/** Where one assigned partition starts: the group's stored next offset (null: none) and the first offset Kafka still has. */
export interface PartitionStart {
  readonly stored: number | null;
  readonly low: number;
}

export interface StartOffsets {
  /** The incarnation of the topic everything from now on lands in. */
  readonly incarnation: number;
  readonly partitions: ReadonlyMap<number, PartitionStart>;
}

/** Decisions before the offsets fit: record an id, open one incarnation (another member may open one too). Never more in one load. */
const MAX_ROUNDS = 4;

/**
 * Reads where the assigned partitions start, after making sure the landing's
 * stored offsets fit Kafka's log (offset-reset.ts): records the topic's id the
 * first time, and when the topic was recreated or its log truncated either
 * stops (OffsetMismatchError: exit 9, nothing written) or — as the operator's
 * --on-offset-reset says — opens the next incarnation with the group's
 * starting offsets in it and reads again. Every member of a group judges the
 * whole topic the same way, and the landing keeps one incarnation per reset:
 * the member that opens it first wins, the others continue in it.
 */
export async function resolveStartOffsets(deps: StartOffsetsDeps, assigned: readonly number[]): Promise<StartOffsets> {
  const { store } = deps;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const log = await deps.topicLog();
    const current = await store.incarnation(log.topicId);
    const partitions = [...new Set([...log.partitions.map((p) => p.partition), ...assigned])].sort((a, b) => a - b);
    const stored = current === null ? new Map<number, number | null>() : await store.readOffsets(partitions, current.incarnation);
    const judgement = judgeOffsets(current, log, stored);
    if (judgement.kind === 'log_truncated') {
      // A broker restarted after a crash answers ListOffsets with the high watermark of its last
      // checkpoint until the partition takes a write: the log is whole, its end only looks short
      // for a while (found by the chaos test). Truncation is a gap that stays.
      deps.truncation.since ??= Date.now();
      const waited = Date.now() - deps.truncation.since;
      if (waited < deps.truncationGraceMs) {
        throw new UnavailableError(
          `a stored offset of ${deps.topic} is past the end Kafka reports (${judgement.partitions.map((p) => `partition ${p.partition}: ${p.stored} > ${p.high}`).join(', ')}); ` +
            `a restarted broker reports a lagging high watermark until its next write: checking again for up to ${Math.ceil((deps.truncationGraceMs - waited) / 1000)} s before calling it truncation`,
        );
      }
    } else {
      deps.truncation.since = undefined;
    }
    switch (judgement.kind) {
      case 'fits': {
        const lows = new Map(log.partitions.map((p) => [p.partition, Number(p.low)]));
        deps.metrics.incarnation(judgement.incarnation);
        return { incarnation: judgement.incarnation, partitions: new Map(assigned.map((p) => [p, { stored: stored.get(p) ?? null, low: lows.get(p) ?? 0 }])) };
      }
      case 'record_id':
        await store.recordTopicId(judgement.incarnation, judgement.topicId);
        if (judgement.topicId === null) deps.logger.warn({ topic: deps.topic }, `Kafka keeps no id for topic ${deps.topic}: a recreated topic cannot be told from the old one`);
        else deps.logger.info({ topic: deps.topic, topicId: judgement.topicId, incarnation: judgement.incarnation ?? 0 }, `recorded topic id ${judgement.topicId} for incarnation ${judgement.incarnation ?? 0} of ${deps.topic}`);
        break;
      case 'stale_metadata':
        throw new UnavailableError(`Kafka's metadata of ${deps.topic} names the id of an earlier incarnation (stale metadata)`);
      default:
        await reset(deps, judgement, log, stored);
    }
  }
  throw new TurnoverError('INTERNAL', `the offsets of ${deps.topic} still do not fit Kafka's log after ${MAX_ROUNDS} rounds of decisions`);
}

/** Stops (the default), or opens the next incarnation where the policy says. */
async function reset(deps: StartOffsetsDeps, judgement: Extract<Judgement, { kind: 'topic_recreated' | 'log_truncated' }>, log: TopicLog, stored: ReadonlyMap<number, number | null>): Promise<void> {
  const { policy, metrics, logger, topic } = deps;
  const reason = judgement.kind;
  const line = mismatchLine(topic, judgement);
  const details = { topic, reason, incarnation: judgement.current.incarnation, landingTopicId: judgement.current.topicId, kafkaTopicId: log.topicId };
  if (policy === 'stop') {
    metrics.offsetReset(reason, 'stopped');
    logger.error(details, line);
    throw new OffsetMismatchError(stopLine(line));
  }
  const next = judgement.current.incarnation + 1;
  const plan = planReset(judgement, log, stored, policy);
  const opened = await deps.store.openIncarnation({ incarnation: next, topicId: log.topicId, reason, resetTo: policy, starts: plan.starts });
  if (!opened) {
    logger.info({ ...details, opened: next }, `another ingester opened incarnation ${next} of ${topic} first; continuing in it`);
    return;
  }
  metrics.offsetReset(reason, policy);
  if (plan.skipped) metrics.skippedRecords('reset_latest', plan.skipped);
  logger.warn({ ...details, opened: next, starts: Object.fromEntries(plan.starts), skipped: plan.skipped }, `${line}; opened incarnation ${next} (--on-offset-reset=${policy}): ${consequence(judgement, log, plan, policy)}`);
}

/** What the reset means for the records Kafka holds, for the log line. */
function consequence(judgement: Extract<Judgement, { kind: 'topic_recreated' | 'log_truncated' }>, log: TopicLog, plan: ResetPlan, policy: 'earliest' | 'latest'): string {
  if (judgement.kind === 'topic_recreated') {
    const held = log.partitions.reduce((n, p) => n + Number(p.high - p.low), 0);
    return policy === 'latest' ? `skipped ${plan.skipped} records already in the new topic; later ones land` : `all ${held} records of the new topic land from its first offsets`;
  }
  const held = judgement.partitions.reduce((n, t) => n + t.high - t.low, 0);
  return policy === 'latest'
    ? `the truncated partitions continue at the end of their log; records written there after the truncation and before now (at most ${held}) are not landed`
    : `the truncated partitions land their whole log again (${held} records; load-stg counts those STG already holds as duplicates); the others continue where they were`;
}

/** Offsets from..to-1 of a partition that Kafka's retention deleted before they landed. */
export interface RetentionGap {
  readonly partition: number;
  readonly from: number;
  readonly to: number;
}

/**
 * The only loss possible, and not one an ingester can prevent: logged with
 * the lost offsets and counted, by both engines (the Node engine's tracker,
 * the Spark job's event); the partition goes on at the first offset Kafka has.
 */
export function reportRetentionGap(deps: Pick<StartOffsetsDeps, 'metrics' | 'logger'>, { partition, from, to }: RetentionGap): void {
  deps.logger.error({ partition, from, to }, `offsets ${from}..${to - 1} of partition ${partition} were deleted from Kafka before they were landed`);
  deps.metrics.offsetReset('retention_gap', 'continued');
  deps.metrics.skippedRecords('retention_gap', to - from);
}

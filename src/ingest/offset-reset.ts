import type { TopicLog } from '../kafka/client.js';
import type { TopicIncarnation } from '../landing/index.js';

/**
 * Whether the landing's stored offsets still fit Kafka's log, and where a
 * reset starts when they do not (docs/ingest.md, "When the offsets no longer
 * fit the log"). Pure: the partition tracker reads the inputs and acts.
 *
 * Three cases, told apart by Kafka's topic id (Metadata v10+) and the log's
 * bounds:
 *  - topic_recreated: Kafka's topic id is not the one the landing recorded for
 *    the topic's current incarnation: the topic was deleted and created again
 *    (its offsets start again at 0);
 *  - log_truncated: same id, but a stored next offset is past the end of the
 *    partition's log (an unclean leader election cut it, or the offsets were
 *    written ahead by hand or by a bug);
 *  - retention_gap: same id, a stored next offset below the first offset
 *    Kafka still has: retention deleted records before they landed.
 * The first two stop the ingester unless the operator said where to go on
 * (--on-offset-reset); going on opens a new incarnation, so Kafka's reused
 * offsets land as new rows. A retention gap always goes on at the earliest
 * offset Kafka has (counted and logged): stopping cannot bring the records
 * back, and while nothing lands retention deletes more.
 */

/** What `--on-offset-reset` says to do when the offsets no longer fit: stop (the default), or open a new incarnation from the log's first or end offsets. */
export type OffsetResetPolicy = 'stop' | 'earliest' | 'latest';

export const OFFSET_RESET_POLICIES: readonly OffsetResetPolicy[] = ['stop', 'earliest', 'latest'];

/** A partition whose stored next offset is past the end of its log. */
export interface TruncatedPartition {
  readonly partition: number;
  readonly stored: number;
  readonly low: number;
  readonly high: number;
}

export type Judgement =
  /** The landing has no incarnation of this topic, or one without an id: record Kafka's (then judge again). */
  | { readonly kind: 'record_id'; readonly incarnation: number | null; readonly topicId: string | null }
  /** Kafka's id is one an earlier incarnation had: the metadata was stale; read again later. */
  | { readonly kind: 'stale_metadata' }
  | { readonly kind: 'topic_recreated'; readonly current: TopicIncarnation; readonly topicId: string }
  | { readonly kind: 'log_truncated'; readonly current: TopicIncarnation; readonly partitions: readonly TruncatedPartition[] }
  /** The stored offsets fit (a stored offset below the log's start is a retention gap, handled where the partition starts). */
  | { readonly kind: 'fits'; readonly incarnation: number };

/**
 * @param current the landing's current incarnation of the topic (null: none yet)
 * @param log Kafka's topic id and every partition's bounds, read together
 * @param stored the group's stored next offsets in the current incarnation, per partition (null: no row, nothing landed)
 */
export function judgeOffsets(current: TopicIncarnation | null, log: TopicLog, stored: ReadonlyMap<number, number | null>): Judgement {
  if (current === null) return { kind: 'record_id', incarnation: null, topicId: log.topicId };
  if (log.topicId !== null) {
    if (current.idSeenBefore) return { kind: 'stale_metadata' };
    if (current.topicId === null) return { kind: 'record_id', incarnation: current.incarnation, topicId: log.topicId };
    if (current.topicId !== log.topicId) return { kind: 'topic_recreated', current, topicId: log.topicId };
  }
  const truncated: TruncatedPartition[] = [];
  for (const bounds of log.partitions) {
    const next = stored.get(bounds.partition);
    if (next !== null && next !== undefined && next > Number(bounds.high)) {
      truncated.push({ partition: bounds.partition, stored: next, low: Number(bounds.low), high: Number(bounds.high) });
    }
  }
  if (truncated.length > 0) return { kind: 'log_truncated', current, partitions: truncated };
  return { kind: 'fits', incarnation: current.incarnation };
}

/** Where a group starts in the incarnation a reset opens, and how many records Kafka holds that it will not land. */
export interface ResetPlan {
  /** Per partition, the group's next offset in the new incarnation (partitions left out start after what lands there, or at the log's start). */
  readonly starts: ReadonlyMap<number, number>;
  /** Records in Kafka's log at the reset that the new incarnation skips (`latest` on a recreated topic); null when Kafka cannot say (`latest` on a truncated log). */
  readonly skipped: number | null;
}

/**
 * The starting offsets of the next incarnation. A recreated topic: every
 * partition of the new topic from its first (`earliest`) or end (`latest`)
 * offset. A truncated log: the truncated partitions so; every other
 * partition where the group stood, so it lands nothing twice.
 */
export function planReset(judgement: Extract<Judgement, { kind: 'topic_recreated' | 'log_truncated' }>, log: TopicLog, stored: ReadonlyMap<number, number | null>, to: 'earliest' | 'latest'): ResetPlan {
  const startOf = (low: number, high: number): number => (to === 'earliest' ? low : high);
  const starts = new Map<number, number>();
  if (judgement.kind === 'topic_recreated') {
    let skipped = 0;
    for (const { partition, low, high } of log.partitions) {
      starts.set(partition, startOf(Number(low), Number(high)));
      if (to === 'latest') skipped += Number(high - low);
    }
    return { starts, skipped };
  }
  for (const [partition, next] of stored) if (next !== null) starts.set(partition, next);
  for (const t of judgement.partitions) starts.set(t.partition, startOf(t.low, t.high));
  return { starts, skipped: to === 'latest' ? null : 0 };
}

/** One line that says what no longer fits (the start of the stop line and of the reset's log line). */
export function mismatchLine(topic: string, judgement: Extract<Judgement, { kind: 'topic_recreated' | 'log_truncated' }>): string {
  const { current } = judgement;
  if (judgement.kind === 'topic_recreated') {
    return `topic ${topic} was deleted and created again: Kafka's topic id is now ${judgement.topicId}, the landing's incarnation ${current.incarnation} of it has topic id ${current.topicId}`;
  }
  const parts = judgement.partitions.map((t) => `partition ${t.partition} of ${topic}: the landing's next offset ${t.stored} is past the end of Kafka's log (${t.high})`);
  const recordedLate = current.reason === 'before_topic_ids' ? ', or the topic was recreated before the landing recorded its id' : '';
  return `${parts.join('; ')}, under the same topic id ${current.topicId ?? '(unknown)'} (incarnation ${current.incarnation}): the log was truncated (an unclean leader election), or the offsets were written ahead${recordedLate}`;
}

/** The line the ingester stops with (exit 9). */
export function stopLine(mismatch: string): string {
  return `${mismatch}. Nothing was skipped or written. To go on, start again with --on-offset-reset=earliest (land the log again from its first offset, under a new incarnation) or latest (from its end); see docs/operations.md`;
}

import type { LandingQueryable } from './landing-client.js';
import { landingSql } from './landing-sql.js';

/**
 * Read-only facts about what has landed, for the stages that watch the
 * landing without writing it (the dashboard's freshness, the runner's
 * status line). Each is one statement of sql/landing/.
 */

/** One partition of the topic's current incarnation, as the dashboard shows it. */
export interface LandedPartitionRow {
  /** The landing's current incarnation of the topic (raw.topic_incarnations): what the row describes. */
  readonly incarnation: number;
  readonly partition: number;
  readonly firstOffset: number | null;
  readonly lastOffset: number | null;
  readonly ingestedAt: string | null;
  readonly kafkaTimestamp: string | null;
  readonly groupNextOffset: number | null;
  readonly groupUpdatedAt: string | null;
}

const orNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** First and last landed record and the group's next offset, per partition (sql/landing/dashboard_landed_partitions.sql). */
export async function landedPartitions(db: LandingQueryable, topic: string, group: string): Promise<LandedPartitionRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(landingSql('dashboard_landed_partitions'), [topic, group]);
  return rows.map((r) => ({
    incarnation: Number(r.incarnation),
    partition: Number(r.partition_id),
    firstOffset: orNull(r.first_offset),
    lastOffset: orNull(r.last_offset),
    ingestedAt: (r.ingested_at as string | null) ?? null,
    kafkaTimestamp: (r.kafka_timestamp as string | null) ?? null,
    groupNextOffset: orNull(r.group_next_offset),
    groupUpdatedAt: (r.group_updated_at as string | null) ?? null,
  }));
}

/** Records a group landed in the topic's current incarnation, and which incarnation that is (sql/landing/runner_landed.sql). */
export async function landedTotal(db: LandingQueryable, group: string, topic: string): Promise<{ landed: bigint; incarnation: number }> {
  const { rows } = await db.query<{ landed: string; incarnation: number }>(landingSql('runner_landed'), [group, topic]);
  return { landed: BigInt(rows[0]?.landed ?? '0'), incarnation: rows[0]?.incarnation ?? 0 };
}

import type { LandingQueryable } from './landing-client.js';
import { landingSql } from './landing-sql.js';
import type { IncarnationReason, TopicIncarnation } from './types.js';

/**
 * raw.topic_incarnations, the landing's record of which lineage of a topic's
 * log its rows and offsets belong to (migration 0003, docs/ingest.md). Called
 * by LandingStore on its connection.
 */

/** A new incarnation and the group's starting offsets in it, written in one transaction. */
export interface OpenedIncarnation {
  readonly incarnation: number;
  readonly topicId: string | null;
  readonly reason: Extract<IncarnationReason, 'topic_recreated' | 'log_truncated'>;
  readonly resetTo: 'earliest' | 'latest';
  readonly starts: ReadonlyMap<number, number>;
}

/** The topic's current incarnation (null: the landing has never seen the topic). */
export async function currentIncarnation(client: LandingQueryable, topic: string, topicId: string | null): Promise<TopicIncarnation | null> {
  const { rows } = await client.query<{ incarnation: number; topic_id: string | null; reason: IncarnationReason; id_seen_before: boolean }>(landingSql('incarnation_current'), [
    topic,
    topicId,
  ]);
  const row = rows[0];
  return row ? { incarnation: row.incarnation, topicId: row.topic_id, reason: row.reason, idSeenBefore: row.id_seen_before } : null;
}

/** Records Kafka's topic id: incarnation 0 of a topic never seen (null), or the unknown id of an incarnation landed before ids were recorded. */
export async function recordTopicId(client: LandingQueryable, topic: string, group: string, incarnation: number | null, topicId: string | null): Promise<void> {
  if (incarnation === null) await client.query(landingSql('incarnation_first'), [topic, topicId, group]);
  else await client.query(landingSql('incarnation_record_id'), [topic, incarnation, topicId]);
}

/**
 * Opens an incarnation with the group's starting offsets in it, in one
 * transaction (so `client` is one connection, never a pool); false (nothing
 * written) when another ingester opened that incarnation first.
 */
export async function openIncarnation(client: LandingQueryable, topic: string, group: string, open: OpenedIncarnation): Promise<boolean> {
  await client.query('begin');
  try {
    const { rows } = await client.query(landingSql('incarnation_open'), [topic, open.incarnation, open.topicId, open.reason, open.resetTo, group]);
    if (rows.length === 0) {
      await client.query('rollback');
      return false;
    }
    const starts = [...open.starts];
    await client.query(landingSql('incarnation_start_offsets'), [group, topic, open.incarnation, starts.map(([p]) => p), starts.map(([, offset]) => offset)]);
    await client.query('commit');
    return true;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  }
}

import { migratedDatabases } from '../staging/landing-support.js';
import type { TestStack } from '../support/stack.js';
import { liveFeedTemplates } from './feed.js';
import { withClient } from './ingest-harness.js';

/** What both engines' offset-reset tests share (test/ingest/ingest-offset-reset…, test/spark/spark-offset-reset…). */

/** A topic, its databases (landing and warehouse migrated) and the ingester's environment. */
export async function offsetResetSetUp(t: TestStack, label: string, partitions: number) {
  const topic = await t.freshTopic(label, partitions);
  const { stagingUrl, warehouseUrl } = await migratedDatabases(t, label);
  const group = `${label}-group`;
  // the topics here take writes at once: a stored offset past the log end is truncation after 1 s, not the default 30
  const env = { ...t.env, TURNOVER_LANDING_URL: stagingUrl, TURNOVER_WAREHOUSE_URL: warehouseUrl, TURNOVER_KAFKA_TOPIC: topic, TURNOVER_KAFKA_GROUP: group, TURNOVER_INGEST_TRUNCATION_GRACE: '1' };
  return { topic, stagingUrl, warehouseUrl, group, env };
}

export type OffsetResetSetup = Awaited<ReturnType<typeof offsetResetSetUp>>;

/** The topic's rows of raw.topic_incarnations as [incarnation, topic_id, reason, reset_to, opened_by]. */
export async function incarnations(s: Pick<OffsetResetSetup, 'stagingUrl' | 'topic'>): Promise<unknown[][]> {
  return withClient(s.stagingUrl, async (c) =>
    (await c.query('select incarnation, topic_id, reason, reset_to, opened_by from raw.topic_incarnations where topic = $1 order by incarnation', [s.topic])).rows.map((r) => [
      r.incarnation,
      r.topic_id,
      r.reason,
      r.reset_to,
      r.opened_by,
    ]),
  );
}

/** Everything the landing holds for the topic, to prove a stopped run wrote nothing. */
export async function landingState(s: Pick<OffsetResetSetup, 'stagingUrl' | 'topic'>): Promise<unknown> {
  return withClient(s.stagingUrl, async (c) => ({
    rows: (await c.query('select incarnation, partition, count(*)::int as n from raw.kafka_messages where topic = $1 group by 1, 2 order by 1, 2', [s.topic])).rows,
    offsets: (await c.query('select incarnation, partition, next_offset::int from raw.consumer_offsets where topic = $1 order by 1, 2', [s.topic])).rows,
    rejects: (await c.query('select count(*)::int as n from raw.landing_rejects where topic = $1', [s.topic])).rows,
    incarnations: await incarnations(s),
  }));
}

/** Records per partition, as the group's next offsets after landing them from 0. */
export const counts = (values: ReadonlyMap<number, Buffer[]>): Map<number, number> => new Map([...values].map(([p, v]) => [p, v.length]));

/** The CLI's own lines on stderr (`turnover: …`). */
export const turnoverLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('turnover: '));

/** Live-feed transactions only (no currency records: the STG check compares transactions). */
export const transactionTemplates = (): string[] => liveFeedTemplates().filter((line) => (JSON.parse(line) as { object_type?: string }).object_type === 'TRANSACTION');

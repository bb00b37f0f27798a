import { readFileSync } from 'node:fs';
import pg from 'pg';
import { runCli, type CliResult } from '../support/cli.js';
import { LIVE_FEED } from '../support/paths.js';
import type { TestStack } from '../support/stack.js';

/** A landed record to insert: the value bytes (null = tombstone) and its coordinates. */
export interface Landed {
  readonly topic: string;
  /** The landing's incarnation of the topic; 0 when absent. */
  readonly incarnation?: number;
  readonly partition: number;
  readonly offset: number;
  readonly value: Buffer | null;
  readonly kafkaTimestamp?: string;
}

/** Every line of the live-feed .jsonl fixtures, as the exact bytes Kafka would carry. */
export function fixtureValues(): Buffer[] {
  return [LIVE_FEED.messages, LIVE_FEED.transactions100].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => Buffer.from(line, 'utf8')),
  );
}

/** Spreads values round-robin over partitions, offsets counting from `firstOffset` per partition. */
export function spread(topic: string, values: readonly (Buffer | null)[], partitions: number, firstOffset = 0): Landed[] {
  const next = new Array<number>(partitions).fill(firstOffset);
  return values.map((value, i) => {
    const partition = i % partitions;
    const offset = next[partition]!;
    next[partition] = offset + 1;
    return { topic, partition, offset, value };
  });
}

/** Lands records straight into raw.kafka_messages (the shape the ingester writes). */
export async function land(stagingUrl: string, records: readonly Landed[]): Promise<void> {
  const client = new pg.Client({ connectionString: stagingUrl });
  await client.connect();
  try {
    for (let i = 0; i < records.length; i += 1000) {
      const slice = records.slice(i, i + 1000);
      const params: unknown[] = [];
      const rows = slice.map((r, j) => {
        params.push(r.topic, r.incarnation ?? 0, r.partition, r.offset, r.value, r.kafkaTimestamp ?? '2022-10-01T00:00:00Z');
        const b = j * 6;
        return `($${b + 1}::text, $${b + 2}::integer, $${b + 3}::integer, $${b + 4}::bigint, null::bytea, $${b + 5}::bytea, $${b + 6}::timestamptz)`;
      });
      // kafka_timestamp_ms: the same instant, as the ingester lands it beside the timestamptz
      await client.query(
        `insert into raw.kafka_messages (topic, incarnation, partition, "offset", key, value, kafka_timestamp, kafka_timestamp_ms)
         select topic, incarnation, partition, "offset", key, value, ts, (extract(epoch from ts) * 1000)::bigint
         from (values ${rows.join(', ')}) as v (topic, incarnation, partition, "offset", key, value, ts)`,
        params,
      );
    }
  } finally {
    await client.end();
  }
}

/** Fresh landing + warehouse databases with every schema migrated by the real CLI. */
export async function migratedDatabases(t: TestStack, label: string): Promise<{ stagingUrl: string; warehouseUrl: string; env: NodeJS.ProcessEnv }> {
  const urls = await t.freshDatabases(label);
  const env = { TURNOVER_LANDING_URL: urls.stagingUrl, TURNOVER_WAREHOUSE_URL: urls.warehouseUrl };
  const migrated = await runCli(['migrate'], { env });
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
  return { ...urls, env };
}

export function loadStg(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<CliResult> {
  return runCli(['load-stg', '--until-caught-up', ...args], { env, timeoutMs: 300_000 });
}

export async function queryRows<R = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as R[];
  } finally {
    await client.end();
  }
}

/** Everything STG holds, load times excluded, in a stable order: two loads are compared with this. */
export async function stgSnapshot(warehouseUrl: string): Promise<Record<string, unknown[]>> {
  return {
    transactions: await queryRows(warehouseUrl, `select operation_id, status, object_id, account_number_from, account_number_to, currency_code, country,
      transaction_type, amount, transaction_dt::text, transaction_date::text, sent_dttm::text, src_topic, src_incarnation, src_partition, src_offset
      from stg.transactions order by operation_id, status`),
    currencies: await queryRows(warehouseUrl, `select date_update::text, currency_code, currency_code_with, currency_with_div::text, sent_dttm::text, src_topic, src_incarnation, src_partition, src_offset
      from stg.currencies order by 1, 2, 3`),
    rejects: await queryRows(warehouseUrl, `select src_topic, src_incarnation, src_partition, src_offset, reason, field, detail, encode(value, 'hex') as value, event_date::text
      from stg.rejects order by 1, 2, 3, 4`),
    conflicts: await queryRows(warehouseUrl, `select operation_id, status, transaction_date::text, kept_incarnation, kept_partition, kept_offset, other_incarnation, other_partition, other_offset
      from stg.transaction_conflicts order by 1, 2, 7, 8, 9`),
    loadState: await queryRows(warehouseUrl, 'select topic, incarnation, partition, next_offset from stg.load_state order by 1, 2, 3'),
    touchedDays: await queryRows(warehouseUrl, 'select day::text, kind from stg.touched_days order by 1, 2'),
  };
}

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { AcknowledgedRecord } from '../support/acknowledged-producer.js';
import type { TestStack } from '../support/stack.js';
import { acknowledgedSummary, groupOffsets, landedSummary } from './ingest-harness.js';

/**
 * The exactly-once proof of a fault test, engine-agnostic: what landed
 * against what the producer had acknowledged, and whether the landing ever
 * leaned on the primary key to get there.
 */
export async function assertLandedAsAcknowledged(
  t: TestStack,
  landing: { stagingUrl: string; topic: string; group: string },
  acknowledged: ReadonlyMap<number, readonly AcknowledgedRecord[]>,
): Promise<void> {
  const { stagingUrl, topic, group } = landing;
  assert.deepEqual(await landedSummary(stagingUrl, topic), acknowledgedSummary(acknowledged), 'landed == acknowledged: each record once, at its offset, byte-exact');
  assert.deepEqual(
    [...(await groupOffsets(stagingUrl, group, topic))].sort(([a], [b]) => a - b),
    [...acknowledged].sort(([a], [b]) => a - b).map(([p, records]) => [p, records.reduce((end, r) => Math.max(end, r.offset + 1), 0)]),
    "PostgreSQL's next offsets are the ends of the acknowledged log",
  );
  // the proof cannot lean on the primary key: the fence never let a duplicate reach it
  assert.equal(await duplicateKeyRefusals(t, topic), 0, 'rows PostgreSQL refused as duplicates of (topic, partition, offset)');
}

/**
 * How often PostgreSQL refused a row of this topic as a duplicate of
 * (topic, incarnation, partition, offset), read from the server's own log
 * (each refusal is logged with the key). An engine whose offset fence works
 * never sends one: a non-zero count means the primary key, not the fence,
 * kept a record from landing twice.
 */
export async function duplicateKeyRefusals(t: TestStack, topic: string): Promise<number> {
  return duplicateKeyRefusalsIn((await t.stack.status()).components.find((c) => c.name === 'postgres')?.log, topic);
}

/** duplicateKeyRefusals of the server that writes this log (a private server of a test). */
export function duplicateKeyRefusalsIn(log: string | undefined, topic: string): number {
  if (!log || !existsSync(log)) throw new Error(`no PostgreSQL log at ${log}: duplicate-key refusals cannot be counted`);
  // the key's columns (topic, …, "offset") name the primary key of raw.kafka_messages, its values start with the topic
  const columns = 'Key (topic, ';
  const values = `")=(${topic}, `;
  return readFileSync(log, 'utf8').split('\n').filter((line) => line.includes(columns) && line.includes(values)).length;
}

/** One counter or gauge of `turnover ingest --metrics-port`, summed over its label sets. */
export async function ingestMetric(port: number, name: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (!response.ok) throw new Error(`metrics endpoint answered ${response.status}`);
  const text = await response.text();
  const samples = text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
  if (samples.length === 0) throw new Error(`no ${name} in the ingester's metrics`);
  return samples.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

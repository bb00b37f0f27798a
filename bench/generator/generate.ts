/**
 * Generator benchmark: how fast `turnover generate` fills the local broker,
 * and where the time goes, measured side by side in one run on fresh
 * 3-partition topics:
 *   - the generator alone (messages built, not sent) and into a .jsonl file;
 *   - into Kafka through the KafkaSink with each producer behind our
 *     KafkaProducer interface: kafkajs, @platformatic/kafka with its own
 *     encoder, and @platformatic/kafka with our record-batch encoder (the default);
 *   - the real CLI (`turnover generate`, default producer), start-up included.
 * CPU is reported per million messages for this process and for the broker.
 *
 *   node dist/bench/generator/generate.js [messages]      (default 1,000,000)
 *
 * TURNOVER_TEST_STATE_DIR reuses a running stack instead of starting a throwaway one.
 */
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdmin, createProducer, type KafkaProducer } from '../../src/kafka/index.js';
import { PlatformaticProducer } from '../../src/kafka/platformatic/platformatic-producer.js';
import { generateFeed, type FeedOptions } from '../../src/generator/index.js';
import { FileSink } from '../../src/generator/sinks/file-sink.js';
import { KafkaSink } from '../../src/generator/sinks/kafka-sink.js';
import type { FeedSink } from '../../src/generator/sinks/feed-sink.js';
import { runCli } from '../../test/support/cli.js';
import { useStack, type TestStack } from '../../test/support/stack.js';
import { cpuSeconds, fmt, machineLine } from '../harness/machine.js';

const MESSAGES = Number(process.argv[2] ?? 1_000_000);
const PARTITIONS = 3;
// ~300k messages a day: a million messages span a few days, rates included
const FEED: FeedOptions = { seed: 1, from: '2023-03-01', to: '2024-03-01', transactionsPerDay: 100_000 };

interface Row {
  readonly what: string;
  readonly seconds: number;
  readonly clientCpu?: number;
  readonly brokerCpu?: number;
  readonly note?: string;
}

function processCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function pumpInto(sink: FeedSink | undefined): Promise<number> {
  let n = 0;
  for (const message of generateFeed(FEED)) {
    if (n >= MESSAGES) break;
    if (sink) {
      const wait = sink.write(message);
      if (wait) await wait;
    }
    n++;
  }
  if (sink) await sink.close();
  return n;
}

async function endOffsets(t: TestStack, topic: string): Promise<number> {
  const admin = createAdmin(t.kafka, t.logger);
  try {
    return (await admin.topicOffsets(topic)).reduce((sum, o) => sum + Number(o.high), 0);
  } finally {
    await admin.close();
  }
}

async function measure(what: string, run: () => Promise<void>, brokerPid: number | undefined): Promise<Row> {
  const cpu0 = processCpu();
  const broker0 = brokerPid ? cpuSeconds(brokerPid) : Number.NaN;
  const start = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { what, seconds, clientCpu: processCpu() - cpu0, brokerCpu: brokerPid ? cpuSeconds(brokerPid) - broker0 : Number.NaN };
}

async function intoKafka(t: TestStack, what: string, producer: KafkaProducer, brokerPid: number | undefined): Promise<Row> {
  const topic = await t.freshTopic(`bench_generate_${what.replace(/\W+/g, '_')}`, PARTITIONS);
  const row = await measure(what, async () => {
    await pumpInto(new KafkaSink(producer, { topic, partitions: PARTITIONS, keys: 'object-id', batchSize: 2000 }));
  }, brokerPid);
  const landed = await endOffsets(t, topic);
  return { ...row, note: landed === MESSAGES ? 'all acknowledged' : `ONLY ${landed} in the topic` };
}

function print(rows: readonly Row[]): void {
  console.log('| what | msg/s | time | client CPU-s per 1M | broker CPU-s per 1M | check |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) {
    const perM = (cpu: number | undefined) => (cpu === undefined || Number.isNaN(cpu) ? '–' : ((cpu * 1e6) / MESSAGES).toFixed(1));
    console.log(`| ${r.what} | ${fmt(MESSAGES / r.seconds)} | ${r.seconds.toFixed(1)} s | ${perM(r.clientCpu)} | ${perM(r.brokerCpu)} | ${r.note ?? ''} |`);
  }
}

async function main(): Promise<void> {
  console.log(machineLine());
  const t = await useStack();
  const rows: Row[] = [];
  try {
    const brokerPid = (await t.stack.status()).components.find((c) => c.name === 'kafka')?.pid;
    console.log(`${fmt(MESSAGES)} generated messages (~410 B), ${PARTITIONS} partitions, acks=all, batches of 2,000 per partition`);
    rows.push(await measure('generator alone (messages built, not sent)', async () => void (await pumpInto(undefined)), undefined));
    const file = join(tmpdir(), `turnover-bench-generate-${process.pid}.jsonl`);
    rows.push({ ...(await measure('generator → .jsonl file', async () => void (await pumpInto(await FileSink.open(file))), undefined)), note: `${fmt(statSync(file).size / 2 ** 20)} MiB` });
    rmSync(file, { force: true });
    rows.push(await intoKafka(t, 'kafkajs 2.2.4', createProducer(t.kafka, t.logger, 'kafkajs'), brokerPid));
    rows.push(await intoKafka(t, '@platformatic/kafka 1.35.0, its own encoder', new PlatformaticProducer(t.kafka, t.logger, 'library'), brokerPid));
    rows.push(await intoKafka(t, '@platformatic/kafka 1.35.0 + our record-batch encoder (default)', createProducer(t.kafka, t.logger, 'platformatic'), brokerPid));
    const topic = await t.freshTopic('bench_generate_cli', PARTITIONS);
    const broker0 = brokerPid ? cpuSeconds(brokerPid) : Number.NaN;
    const start = process.hrtime.bigint();
    const result = await runCli(['generate', '--from', FEED.from, '--to', FEED.to!, '--transactions-per-day', String(FEED.transactionsPerDay), '--max-messages', String(MESSAGES), '--topic', topic], { env: t.env, timeoutMs: 900_000 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const landed = await endOffsets(t, topic);
    rows.push({ what: '`turnover generate` CLI (start-up included)', seconds, brokerCpu: brokerPid ? cpuSeconds(brokerPid) - broker0 : Number.NaN, note: result.code === 0 && landed === MESSAGES ? 'all acknowledged' : `exit ${result.code}, ${landed} in the topic` });
  } finally {
    await t.release();
  }
  print(rows);
  console.log(machineLine());
}

await main();

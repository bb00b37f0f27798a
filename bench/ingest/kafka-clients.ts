/**
 * Kafka client comparison for the ingest workload: a consumer group reading a
 * 3-partition topic of live-feed-shaped messages (~400 B), manual commits,
 * every value's length read, nothing else (kafkajs, @platformatic/kafka, and
 * our wire client with its record-batch reader). Each client runs in its own
 * child process so CPU-seconds and peak RSS are its own.
 *
 *   node dist/bench/ingest/kafka-clients.js [messages]
 *
 * @platformatic/kafka is the project's dependency (the generator produces with
 * it); TURNOVER_BENCH_PLATFORMATIC=<path to its dist/index.js> measures another copy.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { createConsumer } from '../../src/kafka/consumer.js';
import { RecordBatchReader } from '../../src/kafka/record-batch-reader.js';
import { silentLogger } from '../../src/log/logger.js';
import { useStack } from '../../test/support/stack.js';
import { produceFeed } from '../../test/ingest/feed.js';
import { cpuSeconds, fmt, machineLine, peakRssMb } from '../harness/machine.js';

interface ClientResult {
  readonly client: string;
  readonly messages: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
}

type Consume = (brokers: string, topic: string, group: string, expected: number) => Promise<number>;

const CLIENTS: Record<string, Consume> = {
  async kafkajs(brokers, topic, group, expected) {
    const consumer = new Kafka({ brokers: [brokers], clientId: 'bench', logLevel: logLevel.NOTHING }).consumer({ groupId: group, maxBytesPerPartition: 2 * 1024 * 1024, maxBytes: 16 * 1024 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    let bytes = 0;
    await new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) bytes += m.value?.length ?? 0;
          seen += batch.messages.length;
          await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
          if (seen >= expected) resolve();
        },
      });
    });
    await consumer.disconnect();
    return bytes;
  },
  /** Ours (src/kafka/wire/): record batches read in place, values' lengths summed, no object per record. */
  async wire(brokers, topic, group, expected) {
    const consumer = createConsumer({ brokers: [brokers], clientId: 'bench', securityProtocol: 'PLAINTEXT' }, { topic, group, sessionTimeoutMs: 30_000, maxBytesPerPartition: 2 * 1024 * 1024 }, silentLogger());
    let seen = 0;
    let bytes = 0;
    await new Promise<void>((resolve, reject) => {
      void consumer.start({
        onAssignment: ({ partitions }) => partitions.forEach((p) => consumer.seek(p, 0)),
        onBatch: async (batch) => {
          const reader = new RecordBatchReader(batch.recordBatches, batch.fetchOffset, batch.abortedTransactions);
          while (reader.nextBatch()) {
            while (reader.nextRecord()) {
              bytes += Math.max(0, reader.valueLength);
              seen += 1;
            }
          }
          await consumer.commit(new Map([[batch.partition, batch.nextOffset]]));
          if (seen >= expected) resolve();
        },
        onFatal: reject,
      });
    });
    await consumer.close();
    return bytes;
  },
  async platformatic(brokers, topic, group, expected) {
    const path = process.env.TURNOVER_BENCH_PLATFORMATIC ?? '@platformatic/kafka';
    const { Consumer } = (await import(path)) as { Consumer: new (o: object) => { consume(o: object): Promise<AsyncIterable<{ value: Buffer; commit(): unknown }> & { close(): Promise<void> }>; close(force?: boolean): Promise<void> } };
    const consumer = new Consumer({ groupId: group, clientId: 'bench', bootstrapBrokers: [brokers], maxBytesPerPartition: 2 * 1024 * 1024, maxBytes: 16 * 1024 * 1024 });
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    let seen = 0;
    let bytes = 0;
    for await (const message of stream) {
      bytes += message.value?.length ?? 0;
      seen += 1;
      if (seen % 1000 === 0 || seen >= expected) await message.commit();
      if (seen >= expected) break;
    }
    await stream.close().catch(() => undefined);
    await consumer.close(true);
    return bytes;
  },
};

async function child(): Promise<void> {
  const [, , , client, brokers, topic, group, expected] = process.argv;
  const started = process.hrtime.bigint();
  await CLIENTS[client!]!(brokers!, topic!, group!, Number(expected));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(`${JSON.stringify({ seconds, cpuSeconds: cpuSeconds(process.pid), peakRssMb: peakRssMb(process.pid) })}\n`);
  process.exit(0);
}

function runClient(client: string, brokers: string, topic: string, messages: number): Promise<ClientResult | string> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), 'child', client, brokers, topic, `bench-${client}-${Date.now()}`, String(messages)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    proc.on('close', (code) => {
      if (code !== 0) return resolve(`${client}: failed (${code}) ${err.trim().split('\n').slice(-2).join(' | ')}`);
      resolve({ client, messages, ...(JSON.parse(out.trim().split('\n').pop()!) as Omit<ClientResult, 'client' | 'messages'>) });
    });
  });
}

async function main(): Promise<void> {
  const messages = Number(process.argv[2] ?? process.env.TURNOVER_BENCH_MESSAGES ?? 1_000_000);
  const t = await useStack();
  try {
    const topic = await t.freshTopic('bench_clients', 3);
    const produceStart = Date.now();
    await produceFeed(t.kafka, topic, { from: 0, count: messages, partitions: 3 });
    console.log(`produced ${fmt(messages)} live-feed-shaped messages (kafkajs producer, 2,000 per send) in ${((Date.now() - produceStart) / 1000).toFixed(1)} s`);
    console.log(machineLine());
    console.log('| client | msg/s | CPU-s per 1M | peak RSS MB |\n|---|---|---|---|');
    for (const round of [1, 2]) {
      for (const client of Object.keys(CLIENTS)) {
        const r = await runClient(client, t.kafka.brokers[0]!, topic, messages);
        if (typeof r === 'string') console.log(`| ${r} | | | |`);
        else console.log(`| ${r.client} (run ${round}) | ${fmt(r.messages / r.seconds)} | ${((r.cpuSeconds * 1e6) / r.messages).toFixed(1)} | ${fmt(r.peakRssMb)} |`);
      }
    }
    console.log(machineLine());
  } finally {
    await t.release();
  }
}

if (process.argv[2] === 'child') await child();
else await main();

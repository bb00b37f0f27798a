import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandContext } from '../command/command-spec.js';
import { ConfigError, describeError, TurnoverError, UnavailableError } from '../errors.js';
import type { KafkaConsumer } from '../kafka/client.js';
import { createConsumer } from '../kafka/consumer.js';
import type { KafkaConfig } from '../kafka/kafka-config.js';
import type { Logger } from '../log/logger.js';
import { connectPolicy, isRetriable, retry } from '../retry/index.js';
import { BatchWriter } from './batch-writer.js';
import { ThreadedLandingStore, type LandingPort } from './landing-thread.js';
import { IngestMetrics } from './metrics.js';
import { PartitionTracker } from './partition-tracker.js';
import type { IngestConfig } from './types.js';

const KAFKA_COMMIT_INTERVAL_MS = 5_000;

/**
 * `turnover ingest --engine node`: wires the consumer (fetch loop), the
 * partition tracker (which records become rows), the batch writer (landing
 * transactions) and the metrics, and runs until the signal aborts or a
 * configuration error makes running pointless.
 */
export async function runIngester(config: IngestConfig, context: Pick<CommandContext, 'logger' | 'signal'>): Promise<void> {
  const { logger, signal } = context;
  await checkBrokerHosts(config.kafka);
  const metrics = new IngestMetrics({ topic: config.topic, group: config.group });
  const server = config.metricsPort === undefined ? undefined : await metrics.serve(config.metricsPort);
  const store = new ThreadedLandingStore({
    url: config.stagingUrl,
    group: config.group,
    topic: config.topic,
    // the group gives a silent member's partitions away after the session timeout: PostgreSQL drops its open transaction (and its offset locks) at the same time
    idleInTransactionTimeoutMs: config.sessionTimeoutMs,
  });
  let fail: (error: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);

  try {
    await connectPatiently(store, signal, logger, metrics);
    if (signal.aborted) return;

    const consumer = createConsumer(
      config.kafka,
      { topic: config.topic, group: config.group, sessionTimeoutMs: config.sessionTimeoutMs, maxBytesPerPartition: config.fetchBytesPerPartition },
      logger,
    );
    // what retrying can fix becomes an outage (the tracker waits it out); anything else ends the run
    const kafkaUnavailable = (error: unknown) => (isRetriable(error) ? new UnavailableError(`Kafka: cannot read the offsets of ${config.topic}`, error) : error);
    const lowWatermarks = async (): Promise<Map<number, number>> => {
      try {
        return new Map((await consumer.offsets()).map((o) => [o.partition, Number(o.low)]));
      } catch (error) {
        throw kafkaUnavailable(error);
      }
    };
    const topicLog = () => consumer.topicLog().catch((error: unknown) => Promise.reject(kafkaUnavailable(error)));
    let tracker: PartitionTracker;
    const writer = new BatchWriter(
      store,
      config.writer,
      {
        committed: (advances, rows, bytes, rejects) => {
          for (const a of advances) tracker.committed.set(a.partition, a.next);
          metrics.landedBatch(rows, bytes);
          for (const r of rejects) {
            metrics.rejected(r.reason);
            logger.warn({ partition: r.partition, offset: r.offset, reason: r.reason, sqlstate: r.sqlstate, detail: r.detail }, `quarantined partition ${r.partition} offset ${r.offset} in raw.landing_rejects (${r.reason})`);
          }
        },
        conflict: (partitions, afterRetry) => {
          tracker.invalidate();
          metrics.conflict();
          logger.warn({ partitions, afterRetry }, 'another ingester landed these partitions first; re-reading PostgreSQL offsets');
        },
        unavailable: (error, retryInMs) => {
          metrics.error('postgres_unavailable');
          logger.warn({ retryInMs }, `${describeError(error)}; retrying the batch`);
        },
        offsetMismatch: (error) => {
          metrics.primaryKeyHit();
          logger.error({ err: error.message }, 'the offset fence was bypassed: a landed row already holds an offset it said was new; stopping');
        },
      },
      logger,
    );
    tracker = new PartitionTracker({
      topic: config.topic,
      store,
      writer,
      seek: (p, o) => consumer.seek(p, o),
      lowWatermarks,
      topicLog,
      policy: config.onOffsetReset,
      truncationGraceMs: config.truncationGraceMs,
      truncation: {},
      metrics,
      logger,
      fail,
    });
    writer.start(fail);

    const commitToKafka = async (): Promise<void> => {
      const owned = new Map([...tracker.committed].filter(([p]) => tracker.assigned.includes(p)));
      await consumer.commit(owned).catch((error: unknown) => logger.debug({ err: (error as Error).message }, 'Kafka offset commit skipped'));
    };
    await consumer.start({
      onAssignment: (assignment) => tracker.assign(assignment.partitions, assignment.topicId),
      onOffsetPastEnd: (report) => tracker.pastEnd(report),
      onBatch: async (batch) => {
        try {
          await tracker.onBatch(batch);
        } catch (error) {
          fail(error instanceof TurnoverError ? error : new TurnoverError('INTERNAL', `landing a fetched batch failed: ${(error as Error).message}`, { cause: error }));
        }
      },
      onFatal: fail,
    });
    logger.info({ topic: config.topic, group: config.group }, 'ingesting');

    const committer = setInterval(() => void commitToKafka(), KAFKA_COMMIT_INTERVAL_MS);
    const stopProgress = reportProgress(config, consumer, tracker, metrics, writer, logger);
    try {
      await Promise.race([aborted(signal), failed]);
    } finally {
      clearInterval(committer);
      stopProgress();
      // Graceful stop: no new batches, land what is queued (or roll it back), then tell Kafka.
      tracker.close();
      consumer.pause();
      await writer.stop(config.stopTimeoutMs);
      await withTimeout(commitToKafka(), 5_000);
      await withTimeout(consumer.close().catch(() => undefined), 15_000);
      logger.info({ landed: metrics.landed }, `stopped; landed ${metrics.landed} records in this run`);
    }
  } finally {
    await store.close();
    server?.close();
  }
}

/**
 * Every interval: the lag gauges (Kafka end - PostgreSQL next offset) and one
 * line on stderr (none with --progress-interval 0; the gauges then refresh
 * every 10 s). Returns the stop function.
 */
function reportProgress(config: IngestConfig, consumer: KafkaConsumer, tracker: PartitionTracker, metrics: IngestMetrics, writer: BatchWriter, logger: Logger): () => void {
  let last = { at: Date.now(), landed: metrics.landed };
  const timer = setInterval(() => {
    void (async () => {
      const ends = await consumer
        .offsets()
        .then((offsets) => new Map(offsets.map((o) => [o.partition, Number(o.high)])))
        .catch(() => undefined);
      const lag = metrics.updateLag(tracker.assigned, tracker.committed, ends);
      const now = Date.now();
      const rate = Math.round(((metrics.landed - last.landed) * 1000) / Math.max(1, now - last.at));
      last = { at: now, landed: metrics.landed };
      if (config.progressIntervalS === 0) return;
      const memory = process.memoryUsage();
      const mb = Math.round(memory.rss / 1048576);
      logger.info(
        {
          landed: metrics.landed,
          rate,
          lag,
          partitions: tracker.assigned,
          rssMb: mb,
          heapMb: Math.round(memory.heapUsed / 1048576),
          buffersMb: Math.round(memory.arrayBuffers / 1048576),
          bufferedMb: Math.round(writer.queuedBytes / 1048576),
        },
        `landed ${metrics.landed.toLocaleString('en-US')} records (${rate.toLocaleString('en-US')}/s), lag ${lag.toLocaleString('en-US')}, partitions [${tracker.assigned.join(', ')}]`,
      );
    })();
  }, (config.progressIntervalS || 10) * 1000);
  return () => clearInterval(timer);
}

/** The first connection retries while PostgreSQL is away (connectPolicy, until stopped); bad configuration fails at once. */
async function connectPatiently(store: LandingPort, signal: AbortSignal, logger: Logger, metrics: IngestMetrics): Promise<void> {
  await retry(connectPolicy, () => store.connect(), {
    signal,
    onRetry: ({ error, delayMs }) => {
      metrics.error('postgres_unavailable');
      logger.warn({ retryInMs: delayMs }, `${describeError(error)}; retrying`);
    },
  }).catch((error: unknown) => {
    if (!signal.aborted) throw error;
  });
}

/** An unknown broker host is a configuration error: say so instead of retrying forever. */
async function checkBrokerHosts(kafka: KafkaConfig): Promise<void> {
  for (const broker of kafka.brokers) {
    const host = broker.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (isIP(host)) continue;
    try {
      await lookup(host);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTFOUND') throw new ConfigError(`unknown Kafka broker host "${host}" (TURNOVER_KAFKA_BROKERS)`, error);
    }
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  await Promise.race([work, sleep(ms)]);
}

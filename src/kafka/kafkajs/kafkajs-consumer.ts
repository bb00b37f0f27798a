import type { Batch, Consumer, IHeaders, KafkaMessage } from 'kafkajs';
import { ConfigError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { ConsumedRecord, ConsumerHandlers, ConsumerOptions, FetchedBatch, KafkaConsumer, RecordHeader } from '../client.js';
import { configurationProblem } from '../kafka-errors.js';
import type { KafkaConfig } from '../kafka-config.js';
import { connect } from './kafkajs-connection.js';

const RESTART_DELAY_MS = Object.freeze({ first: 500, max: 15_000 });

/**
 * kafkajs behind our consumer interface. kafkajs restarts itself after
 * retriable failures (broker restart, coordinator moves); for the few it
 * considers final we either report a configuration problem (bad
 * credentials, TLS trust) or build a new client after a back-off, because
 * the only failures that should stop an ingester are configuration errors.
 */
export class KafkaJsConsumer implements KafkaConsumer {
  readonly #config: KafkaConfig;
  readonly #options: ConsumerOptions;
  readonly #logger: Logger;
  #consumer: Consumer | undefined;
  #handlers: ConsumerHandlers | undefined;
  #closed = false;
  #restartDelay: number = RESTART_DELAY_MS.first;
  #restartTimer: NodeJS.Timeout | undefined;

  constructor(config: KafkaConfig, options: ConsumerOptions, logger: Logger) {
    this.#config = config;
    this.#options = options;
    this.#logger = logger;
  }

  async start(handlers: ConsumerHandlers): Promise<void> {
    this.#handlers = handlers;
    await this.#spawn();
  }

  async #spawn(): Promise<void> {
    const handlers = this.#handlers!;
    const consumer = connect(this.#config, this.#logger, { retries: 8 }).consumer({
      groupId: this.#options.group,
      sessionTimeout: this.#options.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.#options.sessionTimeoutMs / 10)),
      rebalanceTimeout: Math.max(60_000, this.#options.sessionTimeoutMs * 2),
      maxBytesPerPartition: this.#options.maxBytesPerPartition,
      maxBytes: this.#options.maxBytesPerPartition * 4,
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
      retry: {
        retries: 8,
        initialRetryTime: 300,
        maxRetryTime: 10_000,
        // kafkajs restarts on retriable errors; never on a configuration problem
        restartOnFailure: async (error) => configurationProblem(error) === undefined,
      },
    });
    this.#consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.#restartDelay = RESTART_DELAY_MS.first;
      const partitions = event.payload.memberAssignment[this.#options.topic] ?? [];
      handlers.onAssignment(this.#options.topic, [...partitions].sort((a, b) => a - b));
    });
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart) return;
      const problem = configurationProblem(event.payload.error);
      if (problem) {
        handlers.onFatal(new ConfigError(`Kafka: ${problem}`, event.payload.error));
        return;
      }
      this.#scheduleRespawn(event.payload.error);
    });
    // Batches that held only control records never reach eachBatch; report them so positions move past them.
    consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
      const p = event.payload;
      if (p.batchSize !== 0 || p.firstOffset === null) return;
      void handlers.onBatch(
        { topic: p.topic, partition: p.partition, fetchOffset: Number(p.firstOffset), nextOffset: Number(p.lastOffset) + 1, highWatermark: Number(p.highWatermark), records: [] },
        async () => undefined,
      ).catch(() => undefined);
    });

    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.#options.topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch, heartbeat, isStale }) => {
          if (isStale()) return;
          await handlers.onBatch(toFetchedBatch(batch), heartbeat);
        },
      });
    } catch (error) {
      const problem = configurationProblem(error);
      if (problem) throw new ConfigError(`Kafka: ${problem}`, error);
      this.#scheduleRespawn(error);
    }
  }

  #scheduleRespawn(error: unknown): void {
    if (this.#closed) return;
    const delay = this.#restartDelay;
    this.#restartDelay = Math.min(this.#restartDelay * 2, RESTART_DELAY_MS.max);
    this.#logger.warn({ err: (error as Error)?.message, retryInMs: delay }, 'Kafka consumer stopped; reconnecting');
    const old = this.#consumer;
    this.#consumer = undefined;
    this.#restartTimer = setTimeout(() => {
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        if (this.#closed) return;
        await this.#spawn().catch((fatal: unknown) => this.#handlers?.onFatal(fatal as Error));
      })();
    }, delay);
  }

  seek(partition: number, offset: number): void {
    try {
      this.#consumer?.seek({ topic: this.#options.topic, partition, offset: String(offset) });
    } catch (error) {
      // not running (restarting): the next assignment reloads positions anyway
      this.#logger.debug({ partition, offset, err: (error as Error).message }, 'seek ignored');
    }
  }

  pause(): void {
    this.#consumer?.pause([{ topic: this.#options.topic }]);
  }

  async commit(offsets: ReadonlyMap<number, number>): Promise<void> {
    if (!this.#consumer || offsets.size === 0) return;
    await this.#consumer.commitOffsets(
      [...offsets].map(([partition, offset]) => ({ topic: this.#options.topic, partition, offset: String(offset) })),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    await this.#consumer?.disconnect();
    this.#consumer = undefined;
  }
}

function toFetchedBatch(batch: Batch): FetchedBatch {
  const messages = batch.messages;
  const records: ConsumedRecord[] = new Array(messages.length);
  for (let i = 0; i < messages.length; i++) records[i] = toRecord(messages[i]!);
  return {
    topic: batch.topic,
    partition: batch.partition,
    fetchOffset: Number((batch as unknown as { fetchedOffset: string }).fetchedOffset),
    nextOffset: Number(batch.lastOffset()) + 1,
    highWatermark: Number(batch.highWatermark),
    records,
  };
}

function toRecord(message: KafkaMessage): ConsumedRecord {
  return {
    offset: Number(message.offset),
    key: message.key ?? null,
    value: message.value ?? null,
    timestamp: Number(message.timestamp),
    headers: message.headers ? toHeaders(message.headers) : null,
  };
}

/**
 * kafkajs folds headers into an object (a repeated key becomes an array), so
 * duplicates survive but the interleaving of different keys is that of
 * their first appearance.
 */
function toHeaders(headers: IHeaders): RecordHeader[] | null {
  const out: RecordHeader[] = [];
  for (const key in headers) {
    const value = headers[key];
    if (Array.isArray(value)) {
      for (const v of value) out.push({ key, value: v === undefined || v === null ? null : Buffer.from(v) });
    } else {
      out.push({ key, value: value === undefined || value === null ? null : Buffer.from(value) });
    }
  }
  return out.length === 0 ? null : out;
}

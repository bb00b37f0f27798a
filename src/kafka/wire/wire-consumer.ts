import { ConfigError, OffsetMismatchError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import type { ConsumerHandlers, ConsumerOptions, KafkaConsumer, OffsetPastEnd, TopicLog, TopicPartitionOffsets } from '../client.js';
import type { KafkaConfig } from '../kafka-config.js';
import { configurationProblem } from '../kafka-errors.js';
import { KafkaCluster } from './cluster.js';
import { GroupMember } from './group-member.js';
import { PartitionFetcher } from './partition-fetcher.js';

/** How long a fetch may wait for data on the broker: short, so a quiet topic still answers often. */
const MAX_WAIT_MS = 250;
const CONNECT_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Our own Kafka consumer (src/kafka/wire/): a classic consumer-group member
 * and a fetcher that hands over record batches undecoded, as slices of the
 * fetch response. Why not a library: docs/ingest.md ("The Kafka client").
 */
export class WireConsumer implements KafkaConsumer {
  readonly #options: ConsumerOptions;
  readonly #logger: Logger;
  readonly #cluster: KafkaCluster;
  #fetcher: PartitionFetcher | undefined;
  #member: GroupMember | undefined;

  constructor(config: KafkaConfig, options: ConsumerOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
    this.#cluster = new KafkaCluster(config, { connectTimeoutMs: CONNECT_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  }

  async start(handlers: ConsumerHandlers): Promise<void> {
    const { topic, group, sessionTimeoutMs, maxBytesPerPartition } = this.#options;
    const pastEnd = handlers.onOffsetPastEnd?.bind(handlers) ?? ((report: OffsetPastEnd) => handlers.onFatal(pastEndError(topic, report)));
    const fetcher = new PartitionFetcher(
      this.#cluster,
      { topic, maxBytesPerPartition, maxWaitMs: MAX_WAIT_MS },
      {
        onBatch: (b) => handlers.onBatch(b),
        onOffsetPastEnd: pastEnd,
        onTopicReplaced: (was, now) => {
          // the assignment was made for the old topic (its partition count may differ): join again
          this.#logger.warn({ topic, was, now }, `the id of topic ${topic} changed from ${was} to ${now}: it was deleted and created again; joining the group again`);
          this.#member?.rejoin();
        },
        onFatal: (e) => handlers.onFatal(asConfigError(e)),
      },
      this.#logger,
    );
    this.#fetcher = fetcher;
    // the first contact: a configuration problem (credentials, certificate, host) ends the run here, in a second
    try {
      await fetcher.refreshMetadata();
    } catch (error) {
      const problem = configurationProblem(error);
      if (problem) throw new ConfigError(`Kafka: ${problem}`, error);
      this.#logger.warn({ topic, err: (error as Error).message }, 'Kafka does not answer for the topic yet; retrying');
    }
    this.#member = new GroupMember(
      this.#cluster,
      { group, topic, sessionTimeoutMs, rebalanceTimeoutMs: Math.max(60_000, sessionTimeoutMs * 2), heartbeatIntervalMs: Math.max(500, Math.floor(sessionTimeoutMs / 10)) },
      () => fetcher.partitionCount(true),
      {
        assigned: (partitions) => {
          fetcher.assign(partitions);
          handlers.onAssignment({ topic, topicId: fetcher.topicId, partitions });
        },
        revoked: () => fetcher.assign([]),
        fatal: (error) => handlers.onFatal(asConfigError(error)),
      },
      this.#logger,
    );
    this.#member.start();
  }

  seek(partition: number, offset: number): void {
    this.#fetcher?.seek(partition, offset);
  }

  pause(): void {
    this.#fetcher?.pause();
  }

  async commit(offsets: ReadonlyMap<number, number>): Promise<void> {
    await this.#member?.commit(offsets);
  }

  async offsets(): Promise<TopicPartitionOffsets[]> {
    if (!this.#fetcher) throw new Error('the consumer is not started');
    return this.#fetcher.offsets();
  }

  async topicLog(): Promise<TopicLog> {
    if (!this.#fetcher) throw new Error('the consumer is not started');
    return this.#fetcher.topicLog();
  }

  async close(): Promise<void> {
    this.#fetcher?.close();
    await this.#member?.close();
    this.#cluster.close();
  }
}

function pastEndError(topic: string, report: OffsetPastEnd): OffsetMismatchError {
  return new OffsetMismatchError(`partition ${report.partition} of ${topic}: the position ${report.offset} is past the end of Kafka's log (${report.high})`);
}

/** Kafka's refusals that are configuration problems become our ConfigError (exit 3). */
function asConfigError(error: Error): Error {
  const problem = configurationProblem(error);
  return problem ? new ConfigError(`Kafka: ${problem}`, error) : error;
}

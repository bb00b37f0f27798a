import { setTimeout as sleep } from 'node:timers/promises';
import { describeError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { Backoff, isRetriable, kafkaClientPolicy, retry } from '../../retry/index.js';
import type { FetchedBatch, OffsetPastEnd, TopicLog, TopicPartitionOffsets } from '../client.js';
import { scanBatches } from '../record-batch-reader.js';
import { topicIdText } from '../topic-id.js';
import { FETCH, type FetchPartitionResponse, type FetchResponse } from './apis/fetch.js';
import type { KafkaCluster } from './cluster.js';
import { KafkaCode, KafkaProtocolError, METADATA_REFRESH_CODES, kafkaCodeName } from './kafka-error-codes.js';
import { consistentTopicLog, listOffsetBounds } from './topic-log.js';

export interface FetcherOptions {
  readonly topic: string;
  readonly maxBytesPerPartition: number;
  /** How long the broker may hold a fetch that has nothing yet. */
  readonly maxWaitMs: number;
}

export interface FetcherEvents {
  onBatch(batch: FetchedBatch): Promise<void>;
  /** A position past the end of the log (same topic id): the partition waits for the owner's next seek. */
  onOffsetPastEnd(report: OffsetPastEnd): void;
  /** The topic's id changed (deleted and created again): every position was dropped; nothing is fetched until the owner seeks. */
  onTopicReplaced(was: string, now: string): void;
  onFatal(error: Error): void;
}

interface PartitionState {
  /** Where the next fetch starts; undefined until the owner seeks. */
  position: number | undefined;
  /** Bumped on every seek: a response to a request sent before it is stale. */
  epoch: number;
  /** Not fetched until a metadata refresh, an out-of-range check, a short pause or (past the log's end) the owner's seek settles it. */
  blocked: 'metadata' | 'range' | 'retry' | 'owner' | undefined;
  /** Fetches of this partition that failed in a row (the pause before the next one grows with them). */
  readonly failures: Backoff;
}
const NO_ID = '00000000000000000000000000000000';

/**
 * The fetch side of the wire client: for the partitions this member owns,
 * one fetch loop per leader broker. Each loop sends its next request as soon
 * as a response arrived and its positions are known, then hands the
 * response's batches to `onBatch` one by one (awaited: back-pressure), so
 * fetching overlaps with what the owner does with a batch. Leaders come from
 * metadata, refreshed when a broker says it no longer leads (or is gone).
 */
export class PartitionFetcher {
  readonly #cluster: KafkaCluster;
  readonly #options: FetcherOptions;
  readonly #events: FetcherEvents;
  readonly #logger: Logger;
  readonly #states = new Map<number, PartitionState>();
  #leaders = new Map<number, number>();
  #partitionCount = 0;
  #topicId = NO_ID;
  readonly #workers = new Map<number, Promise<void>>();
  #refreshing: Promise<void> | undefined;
  #paused = false;
  #closed = false;
  /** Aborted by close(): ends every wait. */
  readonly #closing = new AbortController();
  /** Fetch requests to a broker that failed in a row, per broker. */
  readonly #leaderFailures = new Map<number, Backoff>();
  #rotation = 0;

  constructor(cluster: KafkaCluster, options: FetcherOptions, events: FetcherEvents, logger: Logger) {
    this.#cluster = cluster;
    this.#options = options;
    this.#events = events;
    this.#logger = logger;
  }

  /** Kafka's printed form of the topic's id (null when unknown). */
  get topicId(): string | null {
    return topicIdText(this.#topicId);
  }

  /** The topic's partition count (from metadata, refreshed when asked). */
  async partitionCount(refresh = false): Promise<number> {
    if (refresh || this.#partitionCount === 0) await this.refreshMetadata();
    return this.#partitionCount;
  }

  /** Reads the topic's metadata now (leaders, partition count, topic id); throws what the broker said. */
  async refreshMetadata(): Promise<void> {
    const metadata = await this.#cluster.topicMetadata(this.#options.topic);
    const was = this.#topicId;
    this.#topicId = metadata.topicId;
    if (was !== NO_ID && metadata.topicId !== was) {
      // Positions belong to the old topic: a fetch of the new one from there
      // would land its records as if they continued the old log. Drop them
      // (responses in flight become stale too) until the owner seeks again.
      for (const state of this.#states.values()) {
        state.position = undefined;
        state.epoch += 1;
      }
      this.#events.onTopicReplaced(topicIdText(was) ?? was, topicIdText(metadata.topicId) ?? metadata.topicId);
    }
    this.#partitionCount = metadata.partitions.length;
    this.#leaders = new Map(metadata.partitions.filter((p) => p.leader >= 0).map((p) => [p.partition, p.leader]));
    for (const state of this.#states.values()) if (state.blocked === 'metadata') state.blocked = undefined;
  }

  /** The partitions to fetch from now on (positions come from seek). */
  assign(partitions: readonly number[]): void {
    this.#states.clear();
    for (const p of partitions) this.#states.set(p, { position: undefined, epoch: 0, blocked: undefined, failures: new Backoff(kafkaClientPolicy) });
  }

  seek(partition: number, offset: number): void {
    const state = this.#states.get(partition);
    if (!state) return;
    state.position = offset;
    state.epoch += 1;
    // an out-of-range question was about the old position
    if (state.blocked === 'range' || state.blocked === 'owner') state.blocked = undefined;
    this.#reconcile();
  }

  pause(): void {
    this.#paused = true;
  }

  close(): void {
    this.#closed = true;
    this.#closing.abort();
  }

  /** First and end (high watermark) offsets of every partition, from their leaders. */
  async offsets(): Promise<TopicPartitionOffsets[]> {
    if (this.#partitionCount === 0 || this.#leaders.size < this.#partitionCount) await this.refreshMetadata();
    return listOffsetBounds(this.#cluster, this.#options.topic, this.#leaders, this.#partitionCount);
  }

  /** The topic's id and the bounds of its partitions, read together (topic-log.ts). */
  topicLog(): Promise<TopicLog> {
    const metadata = async (): Promise<string> => {
      await this.refreshMetadata();
      return this.#topicId;
    };
    return consistentTopicLog(this.#options.topic, metadata, () => this.offsets());
  }

  /** Starts a fetch loop for every leader of a partition that has a position. */
  #reconcile(): void {
    if (this.#closed || this.#paused) return;
    let missingLeader = false;
    for (const [partition, state] of this.#states) {
      if (state.position === undefined || state.blocked) continue;
      const leader = this.#leaders.get(partition);
      if (leader === undefined) {
        missingLeader = true;
        continue;
      }
      if (!this.#workers.has(leader)) {
        const worker = this.#fetchLoop(leader).finally(() => {
          this.#workers.delete(leader);
          this.#reconcile();
        });
        this.#workers.set(leader, worker);
      }
    }
    if (missingLeader) this.#refreshSoon();
  }

  /** Refreshes metadata in the background (kafkaClientPolicy, until it works or the fetcher closes), then restarts the loops. */
  #refreshSoon(): void {
    this.#refreshing ??= retry(kafkaClientPolicy, () => this.refreshMetadata(), {
      signal: this.#closing.signal,
      onRetry: ({ error, delayMs }) => this.#logger.warn({ topic: this.#options.topic, err: describeError(error), retryInMs: delayMs }, 'cannot read the topic\'s metadata; retrying'),
    })
      .catch((error: unknown) => {
        if (!this.#closed) this.#events.onFatal(error as Error);
      })
      .finally(() => {
        this.#refreshing = undefined;
        this.#reconcile();
      });
  }

  async #fetchLoop(leader: number): Promise<void> {
    let inflight = this.#send(leader);
    while (inflight) {
      const outcome = await inflight;
      if ('error' in outcome || outcome.response.errorCode !== 0) {
        await this.#onRequestFailed(leader, 'error' in outcome ? outcome.error : new KafkaProtocolError(outcome.response.errorCode, `fetch from broker ${leader}`));
        return;
      }
      this.#leaderFailures.get(leader)?.reset();
      const batches = this.#accept(outcome.response, outcome.sent);
      const throttle = outcome.response.throttleTimeMs;
      // pipelined: the next request is on its way while these batches are handed over
      inflight = throttle > 0 ? undefined : this.#send(leader);
      for (const batch of batches) {
        if (this.#closed) return;
        await this.#events.onBatch(batch);
      }
      if (throttle > 0) {
        this.#logger.debug({ leader, throttleMs: throttle }, 'Kafka throttles this client (quota); waiting');
        await sleep(throttle);
        inflight = this.#send(leader);
      }
    }
  }

  /** The next fetch to `leader`, or undefined when it leads nothing we fetch. Never rejects. */
  #send(leader: number): Promise<{ response: FetchResponse; sent: Map<number, { offset: number; epoch: number }> } | { error: unknown }> | undefined {
    if (this.#closed || this.#paused) return undefined;
    const sent = new Map<number, { offset: number; epoch: number }>();
    for (const [partition, state] of this.#states) {
      if (state.position !== undefined && !state.blocked && this.#leaders.get(partition) === leader) sent.set(partition, { offset: state.position, epoch: state.epoch });
    }
    if (sent.size === 0) return undefined;
    // rotate the order: a broker fills the response in request order, so no partition always comes last
    const partitions = [...sent];
    const shift = this.#rotation++ % partitions.length;
    const ordered = [...partitions.slice(shift), ...partitions.slice(0, shift)];
    const { maxBytesPerPartition, maxWaitMs, topic } = this.#options;
    return (async () => {
      try {
        const connection = await this.#cluster.connection(leader);
        const response = await connection.request(
          FETCH,
          {
            topic,
            topicId: this.#topicId,
            maxWaitMs,
            minBytes: 1,
            maxBytes: Math.min(maxBytesPerPartition * ordered.length, 0x7fffffff),
            partitions: ordered.map(([partition, s]) => ({ partition, fetchOffset: s.offset, maxBytes: maxBytesPerPartition })),
          },
          maxWaitMs,
        );
        return { response, sent };
      } catch (error) {
        return { error };
      }
    })();
  }

  /** Moves positions past what arrived and returns the batches to deliver; handles partition errors. */
  #accept(response: FetchResponse, sent: Map<number, { offset: number; epoch: number }>): FetchedBatch[] {
    const batches: FetchedBatch[] = [];
    for (const data of response.partitions) {
      const asked = sent.get(data.partition);
      const state = this.#states.get(data.partition);
      if (!asked || !state || state.epoch !== asked.epoch || state.position !== asked.offset) continue; // sought or revoked meanwhile
      if (data.errorCode !== 0) {
        this.#onPartitionError(data, asked.offset, state);
        continue;
      }
      state.failures.reset();
      const { nextOffset, wholeBytes } = scanBatches(data.records, asked.offset);
      if (wholeBytes === 0) continue;
      state.position = nextOffset;
      batches.push({
        topic: this.#options.topic,
        partition: data.partition,
        fetchOffset: asked.offset,
        nextOffset,
        highWatermark: data.highWatermark,
        recordBatches: data.records.subarray(0, wholeBytes),
        abortedTransactions: data.abortedTransactions,
      });
    }
    return batches;
  }

  #onPartitionError(data: FetchPartitionResponse, offset: number, state: PartitionState): void {
    const code = data.errorCode;
    if (code === KafkaCode.OFFSET_OUT_OF_RANGE) {
      state.blocked = 'range';
      void this.#resolveOutOfRange(data.partition, offset, state);
    } else if (METADATA_REFRESH_CODES.has(code)) {
      this.#logger.info({ partition: data.partition, error: kafkaCodeName(code) }, 'partition moved or not ready; reading metadata again');
      state.blocked = 'metadata';
      this.#refreshSoon();
    } else {
      const error = new KafkaProtocolError(code, `fetch of ${this.#options.topic} partition ${data.partition}`);
      if (!isRetriable(error)) {
        this.#events.onFatal(error);
        return;
      }
      const delay = state.failures.next();
      this.#logger.warn({ partition: data.partition, error: kafkaCodeName(code), retryInMs: delay }, 'fetch of a partition failed; retrying');
      state.blocked = 'retry';
      setTimeout(() => {
        if (state.blocked === 'retry') state.blocked = undefined;
        this.#reconcile();
      }, delay).unref();
    }
  }

  /**
   * A fetch position outside the log. Below its start: retention deleted
   * records; continue from the first one Kafka has (the owner sees the gap and
   * reports it). Past its end (with the same topic id: a changed id drops
   * every position first): Kafka's log no longer holds what the position was
   * taken from (truncated); the partition waits while the owner decides.
   */
  async #resolveOutOfRange(partition: number, offset: number, state: PartitionState): Promise<void> {
    const epoch = state.epoch;
    try {
      const offsets = await retry(kafkaClientPolicy, () => this.offsets(), {
        signal: this.#closing.signal,
        onRetry: ({ error, delayMs }) => this.#logger.warn({ partition, err: describeError(error), retryInMs: delayMs }, 'cannot read the partition\'s offsets; retrying'),
      });
      const bounds = offsets.find((o) => o.partition === partition);
      if (this.#states.get(partition) !== state || state.epoch !== epoch || this.#closed) return;
      const low = Number(bounds?.low ?? 0);
      const high = Number(bounds?.high ?? 0);
      if (offset < low) {
        this.#logger.info({ partition, from: offset, to: low }, `fetch position ${offset} of partition ${partition} is before Kafka's first offset ${low}; continuing there`);
        state.position = low;
      } else if (offset > high) {
        state.blocked = 'owner';
        this.#events.onOffsetPastEnd({ partition, offset, low, high });
        return;
      }
    } catch (error) {
      if (!this.#closed) this.#events.onFatal(error as Error);
      return;
    }
    state.blocked = undefined;
    this.#reconcile();
  }

  /** A fetch request failed as a whole: wait (longer with each failure in a row), then read metadata again. */
  async #onRequestFailed(leader: number, error: unknown): Promise<void> {
    if (this.#closed) return;
    if (!isRetriable(error)) {
      this.#events.onFatal(error as Error);
      return;
    }
    let failures = this.#leaderFailures.get(leader);
    if (!failures) this.#leaderFailures.set(leader, (failures = new Backoff(kafkaClientPolicy)));
    const delay = failures.next();
    this.#logger.warn({ leader, err: describeError(error), retryInMs: delay }, 'fetch from a Kafka broker failed; reading metadata again');
    await sleep(delay, undefined, { signal: this.#closing.signal }).catch(() => undefined);
    if (this.#closed) return;
    for (const [partition, state] of this.#states) if (this.#leaders.get(partition) === leader) state.blocked = 'metadata';
    this.#refreshSoon();
  }
}


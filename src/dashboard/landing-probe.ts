import type pg from 'pg';
import { describeError } from '../errors.js';
import { createAdmin, type KafkaAdmin, type KafkaConfig } from '../kafka/index.js';
import { landedPartitions, openLandingPool, type LandedPartitionRow } from '../landing/index.js';
import type { Logger } from '../log/logger.js';
import { pagePolicy } from '../retry/index.js';
import type { SourceProblem } from './types.js';

/**
 * Freshness facts from outside the warehouse, each optional: the landing
 * zone (PostgreSQL, read-only connections) and the topic's end offsets in
 * Kafka. A source that is not configured or not answering is reported as
 * such; it never fails the request, because the marts can still be read.
 */
export class LandingProbe {
  readonly #pool: pg.Pool | undefined;
  #admin: KafkaAdmin | undefined;

  constructor(
    private readonly config: { readonly stagingUrl: string | undefined; readonly kafka: KafkaConfig | undefined; readonly topic: string; readonly group: string },
    private readonly logger: Logger,
  ) {
    if (config.stagingUrl) {
      this.#pool = openLandingPool(config.stagingUrl, {
        max: 2,
        connectionTimeoutMillis: 5_000,
        // the landing zone is read, never written, by the dashboard
        options: '-c default_transaction_read_only=on -c statement_timeout=10000',
        logger,
      });
    }
  }

  get topic(): string {
    return this.config.topic;
  }

  get group(): string {
    return this.config.group;
  }

  async landedPartitions(): Promise<LandedPartitionRow[] | SourceProblem> {
    if (!this.#pool) return { status: 'not_configured', reason: 'set TURNOVER_LANDING_URL (or --staging-url) to see the landing zone' };
    try {
      return await landedPartitions(this.#pool, this.config.topic, this.config.group);
    } catch (error) {
      return { status: 'unavailable', reason: `the landing zone is not answering: ${describeError(error)}` };
    }
  }

  /** End offset (the next offset to be written) of every partition of the topic. */
  async endOffsets(): Promise<Map<number, { low: number; high: number }> | SourceProblem> {
    if (!this.config.kafka) return { status: 'not_configured', reason: 'set TURNOVER_KAFKA_BROKERS (or --brokers) to see the consumer lag' };
    try {
      // short timeouts and one more try: a page waits for this answer
      this.#admin ??= createAdmin(this.config.kafka, this.logger, { connectionTimeoutMs: 3_000, requestTimeoutMs: 5_000, policy: pagePolicy });
      const offsets = await this.#admin.topicOffsets(this.config.topic);
      return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
    } catch (error) {
      const admin = this.#admin;
      this.#admin = undefined;
      await admin?.close().catch(() => undefined);
      return { status: 'unavailable', reason: `Kafka is not answering for topic ${this.config.topic}: ${describeError(error)}` };
    }
  }

  async close(): Promise<void> {
    await this.#admin?.close().catch(() => undefined);
    await this.#pool?.end().catch(() => undefined);
  }
}

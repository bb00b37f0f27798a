import { ConfigError, describeError, UnavailableError } from '../errors.js';
import { configurationProblem } from '../kafka/kafka-errors.js';
import { readTopicLog } from '../kafka/wire/topic-log.js';
import { LandingStore } from '../landing/index.js';
import type { Logger } from '../log/logger.js';
import { isRetriable, retry, transactionPolicy } from '../retry/index.js';
import type { OffsetResetMetrics } from './reset-metrics.js';
import { reportRetentionGap, resolveStartOffsets, type RetentionGap } from './start-offsets.js';
import type { IngestConfig } from './types.js';

/** The incarnation of the topic a Spark job lands in, and Kafka's id of it (null when the broker keeps none). */
export interface CheckedIncarnation {
  readonly incarnation: number;
  readonly topicId: string | null;
}

/**
 * The landing's side of `turnover ingest --engine spark` (the Spark engine
 * only launches the job): before each start of the job, the same judgement
 * as the Node engine's on every assignment (start-offsets.ts), for the whole
 * topic — Kafka's topic id, read with our wire client, against the landing's
 * incarnation, and stored offsets past the log's end. It records the id the
 * first time, stops with OffsetMismatchError (exit 9) when they no longer fit
 * and no --on-offset-reset says otherwise, or opens the next incarnation; the
 * job is then told which incarnation it lands in and which topic id that is,
 * and refuses to run when Kafka or the landing say otherwise
 * (spark/turnover_spark/incarnation.py). Waits out Kafka or PostgreSQL being
 * away (transactionPolicy, like the Node engine); undefined when stopped.
 */
export function sparkOffsetCheck(
  config: IngestConfig,
  metrics: OffsetResetMetrics,
  context: { readonly logger: Logger; readonly signal: AbortSignal },
): () => Promise<CheckedIncarnation | undefined> {
  const { logger, signal } = context;
  return async () => {
    const store = new LandingStore(config.stagingUrl, config.group, config.topic);
    let topicId: string | null = null;
    // kept across the retries of one check: how long a stored offset has looked past the log end
    const truncation: { since?: number } = {};
    const topicLog = async () => {
      try {
        const log = await readTopicLog(config.kafka, config.topic);
        topicId = log.topicId;
        return log;
      } catch (error) {
        const problem = configurationProblem(error);
        if (problem) throw new ConfigError(`Kafka: ${problem}`, error);
        throw isRetriable(error) ? new UnavailableError(`Kafka: cannot read the offsets of ${config.topic}`, error) : error;
      }
    };
    try {
      const { incarnation } = await retry(transactionPolicy, () => resolveStartOffsets({ topic: config.topic, store, topicLog, policy: config.onOffsetReset, truncationGraceMs: config.truncationGraceMs, truncation, metrics, logger }, []), {
        signal,
        onRetry: ({ error, delayMs }) => logger.warn({ err: describeError(error), retryInMs: delayMs }, 'cannot check the landing\'s offsets against Kafka\'s log; retrying'),
      });
      return { incarnation, topicId };
    } catch (error) {
      // stopped while waiting for Kafka or PostgreSQL: nothing was decided
      if (signal.aborted && (isRetriable(error) || error === signal.reason)) return undefined;
      throw error;
    } finally {
      await store.close();
    }
  };
}

/** A retention gap the Spark job stepped over (its event): logged and counted as the Node engine does. */
export function sparkRetentionGap(metrics: OffsetResetMetrics, logger: Logger): (gap: RetentionGap) => void {
  return (gap) => reportRetentionGap({ metrics, logger }, gap);
}

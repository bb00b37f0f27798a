import { definePolicy, type RetryPolicy } from './retry-policy.js';

/**
 * Every retry policy of turnover, named by purpose, with its defaults
 * (docs/operations.md, "Retries", lists them). Long-running services retry
 * until stopped; one-shot calls of a command give up after a deadline and
 * the command exits with the status of what it last got (5 unavailable).
 */

const forever = { deadlineMs: Infinity, maxAttempts: Infinity, factor: 2, jitter: 0.2 } as const;

/** A service's first connection to a server it needs (the ingester to PostgreSQL): 0.5 s … 10 s, until stopped. */
export const connectPolicy: RetryPolicy = definePolicy({ name: 'connect', initialDelayMs: 500, maxDelayMs: 10_000, ...forever });

/**
 * A database transaction or read of a long-running service (a landing
 * transaction, the landing's offsets) while the server is away or another
 * transaction got in the way: 0.25 s … 10 s, until stopped. The fence makes
 * a retried landing transaction harmless (docs/ingest.md).
 */
export const transactionPolicy: RetryPolicy = definePolicy({ name: 'transaction', initialDelayMs: 250, maxDelayMs: 10_000, ...forever });

/**
 * A batch command's database outage (`load-stg`, `build-marts`): each try a
 * new session from the committed state; 0.25 s … 5 s, half of each wait
 * random, for `deadlineMs` (--unavailable-timeout: 60 s for a one-shot run,
 * forever for a continuous load-stg; 0 = no retry).
 */
export function outagePolicy(deadlineMs: number): RetryPolicy {
  return definePolicy({ name: 'outage', initialDelayMs: 250, maxDelayMs: 5_000, factor: 2, jitter: 0.5, deadlineMs, maxAttempts: Infinity });
}

/** The Kafka wire consumer: metadata refresh, the group coordinator, a failed fetch: 0.1 s … 5 s, until stopped. */
export const kafkaClientPolicy: RetryPolicy = definePolicy({ name: 'kafka-client', initialDelayMs: 100, maxDelayMs: 5_000, ...forever });

/**
 * One Kafka admin call of a command (create the topic, read its offsets),
 * e.g. right after a broker restart while leaders move: 0.3 s … 5 s, given
 * up after 60 s.
 */
export const kafkaAdminPolicy: RetryPolicy = definePolicy({ name: 'kafka-admin', initialDelayMs: 300, maxDelayMs: 5_000, factor: 2, jitter: 0.2, deadlineMs: 60_000, maxAttempts: Infinity });

/** A request to a BI tool's API (Superset, Metabase): 0.5 s … 8 s, given up after 60 s. */
export const httpPolicy: RetryPolicy = definePolicy({ name: 'http', initialDelayMs: 500, maxDelayMs: 8_000, factor: 2, jitter: 0.2, deadlineMs: 60_000, maxAttempts: Infinity });

/** `turnover up`: a child process that died, or a one-shot job (a backfill day) that failed: 1 s … 30 s, until stopped. */
export const restartPolicy: RetryPolicy = definePolicy({ name: 'restart', initialDelayMs: 1_000, maxDelayMs: 30_000, ...forever });

/** A health or status probe: one try, the caller shows what it got. */
export const probePolicy: RetryPolicy = definePolicy({ name: 'probe', initialDelayMs: 0, maxDelayMs: 0, factor: 1, jitter: 0, deadlineMs: Infinity, maxAttempts: 1 });

/** A probe a page waits for (the dashboard's Kafka offsets): one more try after 0.3 s. */
export const pagePolicy: RetryPolicy = definePolicy({ name: 'page', initialDelayMs: 300, maxDelayMs: 300, factor: 1, jitter: 0.2, deadlineMs: 10_000, maxAttempts: 2 });

/** Waiting for a server we just started to answer (Kafka broker, Superset /health): every `intervalMs` until `deadlineMs`. */
export function readinessPolicy(deadlineMs: number, intervalMs = 300): RetryPolicy {
  return definePolicy({ name: 'readiness', initialDelayMs: intervalMs, maxDelayMs: intervalMs, factor: 1, jitter: 0, deadlineMs, maxAttempts: Infinity });
}

/** Waiting for a lock another process holds (Vertica's migration lock): every second until `deadlineMs`. */
export function lockWaitPolicy(deadlineMs: number): RetryPolicy {
  return definePolicy({ name: 'lock-wait', initialDelayMs: 1_000, maxDelayMs: 1_000, factor: 1, jitter: 0.2, deadlineMs, maxAttempts: Infinity });
}

/**
 * A job on a cadence (the mart builds of `turnover up`): after failures the
 * next run waits 2, 4, 8, then 16 intervals, back to one after a success.
 */
export function cadencePolicy(intervalMs: number): RetryPolicy {
  return definePolicy({ name: 'cadence', initialDelayMs: intervalMs * 2, maxDelayMs: intervalMs * 16, factor: 2, jitter: 0.2, deadlineMs: Infinity, maxAttempts: Infinity });
}

/**
 * The retries the Kafka producer libraries (kafkajs, @platformatic/kafka)
 * make inside one send: they refresh metadata between tries, which a retry
 * around the send cannot. Our admin calls use kafkaAdminPolicy instead (the
 * library's own retries are off there).
 */
export const producerLibraryRetry = Object.freeze({ retries: 5, initialDelayMs: 300, maxDelayMs: 10_000 });

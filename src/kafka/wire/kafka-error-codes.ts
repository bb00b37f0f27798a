import { errorCodeOf, isConfigurationSocketCode } from '../../net/socket-errors.js';
/**
 * The Kafka error codes the wire client reacts to
 * (https://kafka.apache.org/protocol#protocol_error_codes), and the error
 * it raises for one. `type` carries Kafka's own name, which
 * kafka-errors.ts reads to tell configuration problems from outages.
 */
export const KafkaCode = Object.freeze({
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  REPLICA_NOT_AVAILABLE: 9,
  NETWORK_EXCEPTION: 13,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  UNSUPPORTED_VERSION: 35,
  NOT_CONTROLLER: 41,
  CONCURRENT_TRANSACTIONS: 51,
  KAFKA_STORAGE_ERROR: 56,
  SASL_AUTHENTICATION_FAILED: 58,
  FETCH_SESSION_ID_NOT_FOUND: 70,
  INVALID_FETCH_SESSION_EPOCH: 71,
  LISTENER_NOT_FOUND: 72,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  OFFSET_NOT_AVAILABLE: 78,
  MEMBER_ID_REQUIRED: 79,
  PREFERRED_LEADER_NOT_AVAILABLE: 80,
  FENCED_INSTANCE_ID: 82,
  UNSTABLE_OFFSET_COMMIT: 88,
  THROTTLING_QUOTA_EXCEEDED: 89,
  UNKNOWN_TOPIC_ID: 100,
  INCONSISTENT_TOPIC_ID: 103,
});

const NAMES = new Map<number, string>(Object.entries(KafkaCode).map(([name, code]) => [code, name]));

export function kafkaCodeName(code: number): string {
  return NAMES.get(code) ?? `KAFKA_ERROR_${code}`;
}

/** Partition-level errors that a metadata refresh (a new leader, a recreated topic's id) resolves. */
export const METADATA_REFRESH_CODES: ReadonlySet<number> = new Set([
  KafkaCode.UNKNOWN_TOPIC_OR_PARTITION,
  KafkaCode.LEADER_NOT_AVAILABLE,
  KafkaCode.NOT_LEADER_OR_FOLLOWER,
  KafkaCode.REPLICA_NOT_AVAILABLE,
  KafkaCode.KAFKA_STORAGE_ERROR,
  KafkaCode.FENCED_LEADER_EPOCH,
  KafkaCode.UNKNOWN_LEADER_EPOCH,
  KafkaCode.OFFSET_NOT_AVAILABLE,
  KafkaCode.UNKNOWN_TOPIC_ID,
  KafkaCode.INCONSISTENT_TOPIC_ID,
]);

/**
 * The codes the Kafka protocol marks retriable (its error table, "Retriable"
 * column; the Java client's RetriableException): the same request may
 * succeed later, once a leader is elected, a coordinator has loaded, a
 * replica caught up. Every other code is final for that request: the wire
 * client handles the ones it expects (a rebalance, an unknown member, an
 * offset out of range) where it reads them; the rest end the run.
 */
const RETRIABLE_CODES: ReadonlySet<number> = new Set([
  KafkaCode.CORRUPT_MESSAGE,
  KafkaCode.UNKNOWN_TOPIC_OR_PARTITION,
  KafkaCode.LEADER_NOT_AVAILABLE,
  KafkaCode.NOT_LEADER_OR_FOLLOWER,
  KafkaCode.REQUEST_TIMED_OUT,
  KafkaCode.REPLICA_NOT_AVAILABLE,
  KafkaCode.NETWORK_EXCEPTION,
  KafkaCode.COORDINATOR_LOAD_IN_PROGRESS,
  KafkaCode.COORDINATOR_NOT_AVAILABLE,
  KafkaCode.NOT_COORDINATOR,
  KafkaCode.NOT_ENOUGH_REPLICAS,
  KafkaCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
  KafkaCode.NOT_CONTROLLER,
  KafkaCode.CONCURRENT_TRANSACTIONS,
  KafkaCode.KAFKA_STORAGE_ERROR,
  KafkaCode.FETCH_SESSION_ID_NOT_FOUND,
  KafkaCode.INVALID_FETCH_SESSION_EPOCH,
  KafkaCode.LISTENER_NOT_FOUND,
  KafkaCode.FENCED_LEADER_EPOCH,
  KafkaCode.UNKNOWN_LEADER_EPOCH,
  KafkaCode.OFFSET_NOT_AVAILABLE,
  KafkaCode.PREFERRED_LEADER_NOT_AVAILABLE,
  KafkaCode.UNSTABLE_OFFSET_COMMIT,
  KafkaCode.THROTTLING_QUOTA_EXCEEDED,
  KafkaCode.UNKNOWN_TOPIC_ID,
  KafkaCode.INCONSISTENT_TOPIC_ID,
]);

/** True when the Kafka protocol says a request that got this code may succeed if sent again. */
export function isRetriableKafkaCode(code: number): boolean {
  return RETRIABLE_CODES.has(code);
}

/** An error code a broker answered with. */
export class KafkaProtocolError extends Error {
  readonly type: string;
  readonly retriable: boolean;

  constructor(
    readonly errorCode: number,
    what: string,
    brokerMessage?: string | null,
  ) {
    super(`${what}: ${kafkaCodeName(errorCode)}${brokerMessage ? ` (${brokerMessage})` : ''}`);
    this.name = 'KafkaProtocolError';
    this.type = kafkaCodeName(errorCode);
    this.retriable = isRetriableKafkaCode(errorCode);
  }
}

/**
 * The broker could not be reached, or the connection ended: retry with
 * back-off — unless the cause is a configuration problem (an unknown host, a
 * certificate we do not trust), which is the same on every try.
 */
export class KafkaConnectionError extends Error {
  readonly retriable: boolean;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KafkaConnectionError';
    this.retriable = !hasConfigurationCause(options?.cause);
  }
}

const MAX_CAUSE_DEPTH = 8;

function hasConfigurationCause(cause: unknown): boolean {
  for (let e = cause, depth = 0; e && depth <= MAX_CAUSE_DEPTH; e = (e as { cause?: unknown }).cause, depth++) {
    if (isConfigurationSocketCode(errorCodeOf(e))) return true;
  }
  return false;
}

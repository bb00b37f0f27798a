import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../log/logger.js';
import { kafkaClientPolicy, retry, type RetryEvent } from '../../retry/index.js';
import { FIND_COORDINATOR, HEARTBEAT, JOIN_GROUP, LEAVE_GROUP, OFFSET_COMMIT, SYNC_GROUP } from './apis/group.js';
import type { BrokerConnection } from './broker-connection.js';
import type { KafkaCluster } from './cluster.js';
import { assignRoundRobin, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from './consumer-protocol.js';
import { KafkaCode, kafkaCodeName, KafkaConnectionError, KafkaProtocolError } from './kafka-error-codes.js';

export interface GroupOptions {
  readonly group: string;
  readonly topic: string;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
}

export interface GroupEvents {
  /** This member owns these partitions of the topic until revoked(). */
  assigned(partitions: readonly number[]): void;
  /** A rebalance started or the membership was lost: stop fetching. */
  revoked(): void;
  /** Retrying cannot help (authorisation, an invalid group). */
  fatal(error: Error): void;
}

/** Names under which members agree on the assignment: Java's and kafkajs' round robin (identical for one topic). */
const PROTOCOLS = ['roundrobin', 'RoundRobinAssigner'];
/** How often the leader looks for new partitions of the topic. */
const PARTITION_CHECK_MS = 30_000;
/** Failures in a row after which a coordinator that does not answer is a warning, not a blip. */
const QUIET_FAILURES = 5;
/** Codes after which the coordinator must be found again. */
const COORDINATOR_MOVED: ReadonlySet<number> = new Set([KafkaCode.NOT_COORDINATOR, KafkaCode.COORDINATOR_NOT_AVAILABLE, KafkaCode.COORDINATOR_LOAD_IN_PROGRESS]);

/**
 * A member of a classic consumer group (join, sync, heartbeat, leave) on a
 * connection of its own to the coordinator. Heartbeats run on their own
 * timer, independent of fetching and of PostgreSQL: a slow landing never
 * costs the membership. The leader assigns the topic's partitions round
 * robin. Eager rebalancing: every rebalance revokes everything first.
 */
export class GroupMember {
  readonly #cluster: KafkaCluster;
  readonly #options: GroupOptions;
  readonly #events: GroupEvents;
  readonly #logger: Logger;
  readonly #partitionCount: () => Promise<number>;
  #connection: BrokerConnection | undefined;
  #memberId = '';
  #generation = -1;
  #leaderOf = -1;
  #countCheckedAt = 0;
  #closed = false;
  #wake: AbortController = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(cluster: KafkaCluster, options: GroupOptions, partitionCount: () => Promise<number>, events: GroupEvents, logger: Logger) {
    this.#cluster = cluster;
    this.#options = options;
    this.#partitionCount = partitionCount;
    this.#events = events;
    this.#logger = logger;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stores offsets in Kafka under this member's generation (nothing while not a member). */
  async commit(offsets: ReadonlyMap<number, number>): Promise<void> {
    const connection = this.#connection;
    if (!connection || this.#generation < 0 || offsets.size === 0) return;
    const { errorCode } = await connection.request(OFFSET_COMMIT, {
      group: this.#options.group,
      generationId: this.#generation,
      memberId: this.#memberId,
      topic: this.#options.topic,
      offsets: [...offsets],
    });
    if (errorCode !== 0) throw new KafkaProtocolError(errorCode, `OffsetCommit of ${this.#options.group}`);
  }

  /**
   * Joins again (a new generation for the whole group): the partitions are
   * revoked now, and the next assignment is computed from fresh metadata
   * (after the topic was deleted and created again, say).
   */
  rejoin(): void {
    if (this.#generation < 0) return;
    this.#generation = -1;
    this.#events.revoked();
  }

  /** Leaves the group (so the others get the partitions now, not after the session timeout). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake.abort();
    await this.#loop?.catch(() => undefined);
    const connection = this.#connection;
    if (connection && this.#memberId) {
      await connection.request(LEAVE_GROUP, { group: this.#options.group, memberId: this.#memberId }).catch(() => undefined);
    }
    connection?.close();
  }

  /** Join, then heartbeat, for as long as it is a member; failures wait as kafkaClientPolicy says. */
  async #run(): Promise<void> {
    const step = async (): Promise<void> => {
      const connection = await this.#coordinator();
      if (this.#generation < 0) await this.#join(connection);
      else await this.#heartbeat(connection);
    };
    while (!this.#closed) {
      try {
        await retry(kafkaClientPolicy, step, { signal: this.#wake.signal, onRetry: (event) => this.#onRetry(event) });
      } catch (error) {
        if (this.#closed) return;
        this.#events.fatal(error as Error);
        return;
      }
    }
  }

  #onRetry({ error, attempt, delayMs }: RetryEvent): void {
    if (error instanceof KafkaConnectionError || (error instanceof KafkaProtocolError && COORDINATOR_MOVED.has(error.errorCode))) {
      this.#connection?.close();
      this.#connection = undefined;
    }
    // quiet while it is a blip (a coordinator moving), loud once it lasts
    const level = attempt >= QUIET_FAILURES ? 'warn' : 'debug';
    this.#logger[level]({ group: this.#options.group, err: (error as Error).message, retryInMs: delayMs }, 'the consumer group\'s coordinator does not answer; retrying');
  }

  async #coordinator(): Promise<BrokerConnection> {
    if (this.#connection?.isOpen) return this.#connection;
    const any = await this.#cluster.anyConnection();
    const found = await any.request(FIND_COORDINATOR, { group: this.#options.group });
    if (found.errorCode !== 0) throw new KafkaProtocolError(found.errorCode, `FindCoordinator of ${this.#options.group}`, found.errorMessage);
    this.#connection = await this.#cluster.dedicated({ host: found.host, port: found.port });
    return this.#connection;
  }

  async #join(connection: BrokerConnection): Promise<void> {
    const { group, topic } = this.#options;
    const metadata = encodeSubscription([topic]);
    const joined = await connection.request(
      JOIN_GROUP,
      {
        group,
        sessionTimeoutMs: this.#options.sessionTimeoutMs,
        rebalanceTimeoutMs: this.#options.rebalanceTimeoutMs,
        memberId: this.#memberId,
        protocols: PROTOCOLS.map((name) => ({ name, metadata })),
      },
      this.#options.rebalanceTimeoutMs,
    );
    if (joined.errorCode === KafkaCode.MEMBER_ID_REQUIRED) {
      this.#memberId = joined.memberId; // KIP-394: join again with the id the coordinator handed out
      return;
    }
    if (joined.errorCode === KafkaCode.UNKNOWN_MEMBER_ID) {
      this.#memberId = '';
      return;
    }
    if (joined.errorCode === KafkaCode.REBALANCE_IN_PROGRESS) {
      await this.#pause(kafkaClientPolicy.initialDelayMs);
      return;
    }
    if (joined.errorCode !== 0) throw new KafkaProtocolError(joined.errorCode, `JoinGroup of ${group}`);
    this.#memberId = joined.memberId;

    let assignments: { memberId: string; assignment: Buffer }[] = [];
    if (joined.leader === joined.memberId) {
      const count = await this.#partitionCount();
      const subscribers = joined.members.filter((m) => decodeSubscription(m.metadata).includes(topic)).map((m) => m.memberId);
      const plan = assignRoundRobin(subscribers, Array.from({ length: count }, (_, p) => p));
      assignments = joined.members.map((m) => ({ memberId: m.memberId, assignment: encodeAssignment(new Map([[topic, plan.get(m.memberId) ?? []]])) }));
      this.#leaderOf = count;
      this.#countCheckedAt = Date.now();
    } else {
      this.#leaderOf = -1;
    }
    const synced = await connection.request(SYNC_GROUP, {
      group,
      generationId: joined.generationId,
      memberId: joined.memberId,
      protocolName: joined.protocolName ?? PROTOCOLS[0]!,
      assignments,
    });
    if (synced.errorCode === KafkaCode.UNKNOWN_MEMBER_ID) this.#memberId = '';
    if (synced.errorCode === KafkaCode.REBALANCE_IN_PROGRESS || synced.errorCode === KafkaCode.UNKNOWN_MEMBER_ID || synced.errorCode === KafkaCode.ILLEGAL_GENERATION) return;
    if (synced.errorCode !== 0) throw new KafkaProtocolError(synced.errorCode, `SyncGroup of ${group}`);
    this.#generation = joined.generationId;
    this.#logger.debug({ group, generation: this.#generation, memberId: this.#memberId, leader: this.#leaderOf >= 0 }, 'joined the consumer group');
    this.#events.assigned(decodeAssignment(synced.assignment, topic));
  }

  async #heartbeat(connection: BrokerConnection): Promise<void> {
    await this.#pause(this.#options.heartbeatIntervalMs);
    if (this.#closed) return;
    const { errorCode } = await connection.request(HEARTBEAT, { group: this.#options.group, generationId: this.#generation, memberId: this.#memberId });
    if (errorCode === 0) {
      await this.#checkPartitionCount();
      return;
    }
    if (errorCode === KafkaCode.REBALANCE_IN_PROGRESS || errorCode === KafkaCode.ILLEGAL_GENERATION || errorCode === KafkaCode.UNKNOWN_MEMBER_ID || errorCode === KafkaCode.FENCED_INSTANCE_ID) {
      if (errorCode === KafkaCode.UNKNOWN_MEMBER_ID || errorCode === KafkaCode.FENCED_INSTANCE_ID) this.#memberId = '';
      this.#generation = -1;
      // said at info: after a pause past the session timeout, this line (not a refused transaction) can be the first sign of it
      this.#logger.info({ group: this.#options.group, error: kafkaCodeName(errorCode) }, `the group took this member's partitions back (heartbeat: ${kafkaCodeName(errorCode)}); fetches in flight are dropped, rejoining`);
      this.#events.revoked();
      return;
    }
    throw new KafkaProtocolError(errorCode, `Heartbeat of ${this.#options.group}`);
  }

  /** The leader starts a rebalance when the topic gained partitions (the others learn of them through it). */
  async #checkPartitionCount(): Promise<void> {
    if (this.#leaderOf < 0 || Date.now() - this.#countCheckedAt < PARTITION_CHECK_MS) return;
    this.#countCheckedAt = Date.now();
    const count = await this.#partitionCount().catch(() => this.#leaderOf);
    if (count === this.#leaderOf) return;
    this.#logger.info({ topic: this.#options.topic, partitions: count }, 'the topic has a new partition count; rebalancing');
    this.#generation = -1;
    this.#events.revoked();
  }

  async #pause(ms: number): Promise<void> {
    if (this.#closed) return;
    await sleep(ms, undefined, { signal: this.#wake.signal }).catch(() => undefined);
  }
}

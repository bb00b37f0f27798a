import type { KafkaConfig } from '../kafka-config.js';
import { METADATA, type BrokerAddress, type TopicMetadata } from './apis/metadata.js';
import { BrokerConnection, type ConnectionOptions } from './broker-connection.js';
import { KafkaCode, KafkaConnectionError, KafkaProtocolError } from './kafka-error-codes.js';

export interface ClusterTuning {
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

/**
 * What the wire client knows of the cluster: broker addresses from the
 * latest metadata, one pooled connection per broker for data requests
 * (fetch, list offsets, metadata), and dedicated connections on request
 * (the group coordinator's: a JoinGroup may wait for a whole rebalance, and a
 * broker answers one connection's requests in order, so it must not sit in
 * front of fetches).
 */
export class KafkaCluster {
  readonly #options: ConnectionOptions;
  readonly #bootstrap: readonly { host: string; port: number }[];
  readonly #brokers = new Map<number, BrokerAddress>();
  readonly #pool = new Map<number, Promise<BrokerConnection>>();
  #any: Promise<BrokerConnection> | undefined;
  #closed = false;

  constructor(config: KafkaConfig, tuning: ClusterTuning) {
    this.#options = { config, connectTimeoutMs: tuning.connectTimeoutMs, requestTimeoutMs: tuning.requestTimeoutMs };
    this.#bootstrap = config.brokers.map(parseAddress);
  }

  /** Metadata of one topic; also refreshes the broker addresses. Throws when the topic is unknown or unauthorised. */
  async topicMetadata(topic: string): Promise<TopicMetadata> {
    const connection = await this.anyConnection();
    const response = await connection.request(METADATA, { topics: [topic] });
    for (const broker of response.brokers) this.#brokers.set(broker.nodeId, broker);
    const found = response.topics.find((t) => t.name === topic);
    if (!found) throw new KafkaProtocolError(KafkaCode.UNKNOWN_TOPIC_OR_PARTITION, `metadata of ${topic}`);
    if (found.errorCode !== 0) throw new KafkaProtocolError(found.errorCode, `metadata of ${topic}`);
    return found;
  }

  /** The pooled connection to a broker of the latest metadata. */
  connection(nodeId: number): Promise<BrokerConnection> {
    let connection = this.#pool.get(nodeId);
    if (!connection) {
      const broker = this.#brokers.get(nodeId);
      if (!broker) return Promise.reject(new KafkaConnectionError(`broker ${nodeId} is not in the cluster's metadata`));
      connection = this.#open(broker.host, broker.port);
      this.#pool.set(nodeId, connection);
      connection.then(
        (c) => c.onClose(() => this.#pool.get(nodeId) === connection && this.#pool.delete(nodeId)),
        () => this.#pool.get(nodeId) === connection && this.#pool.delete(nodeId),
      );
    }
    return connection;
  }

  /** A connection to any broker: a pooled one when there is one, else the bootstrap list in order. */
  anyConnection(): Promise<BrokerConnection> {
    if (this.#any) return this.#any;
    const attempt = (async () => {
      const errors: Error[] = [];
      for (const address of [...this.#bootstrap, ...this.#brokers.values()]) {
        try {
          return await this.#open(address.host, address.port);
        } catch (error) {
          // a configuration problem (credentials, certificate) is the same on every broker
          if (error instanceof KafkaProtocolError && !error.retriable) throw error;
          errors.push(error as Error);
        }
      }
      const last = errors[errors.length - 1];
      throw new KafkaConnectionError(`no Kafka broker answers (${this.#bootstrap.map((b) => `${b.host}:${b.port}`).join(', ')})${last ? `: ${last.message}` : ''}`, { cause: last });
    })();
    this.#any = attempt;
    attempt.then(
      (c) => c.onClose(() => this.#any === attempt && (this.#any = undefined)),
      () => this.#any === attempt && (this.#any = undefined),
    );
    return attempt;
  }

  /** A connection of its own to a broker (not pooled); the caller closes it. */
  dedicated(address: { host: string; port: number }): Promise<BrokerConnection> {
    return this.#open(address.host, address.port);
  }

  async #open(host: string, port: number): Promise<BrokerConnection> {
    if (this.#closed) throw new KafkaConnectionError('the Kafka client is closed');
    const connection = await BrokerConnection.open(host, port, this.#options);
    if (this.#closed) connection.close();
    return connection;
  }

  close(): void {
    this.#closed = true;
    const all = [...this.#pool.values(), ...(this.#any ? [this.#any] : [])];
    this.#pool.clear();
    this.#any = undefined;
    for (const connection of all) connection.then((c) => c.close(), () => undefined);
  }
}

function parseAddress(broker: string): { host: string; port: number } {
  const colon = broker.lastIndexOf(':');
  return { host: broker.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(broker.slice(colon + 1)) };
}

import type { Api } from './api.js';

export interface BrokerAddress {
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
}

export interface PartitionMetadata {
  readonly errorCode: number;
  readonly partition: number;
  readonly leader: number;
  readonly leaderEpoch: number;
}

export interface TopicMetadata {
  readonly errorCode: number;
  readonly name: string;
  /** Kafka's id of this incarnation of the topic (32 hex digits); all zeros when the broker has none. */
  readonly topicId: string;
  readonly partitions: readonly PartitionMetadata[];
}

export interface MetadataResponse {
  readonly brokers: readonly BrokerAddress[];
  readonly clusterId: string | null;
  readonly topics: readonly TopicMetadata[];
}

/** Metadata v10–v12 (topic ids; Kafka 2.8+), for the named topics, never creating one. */
export const METADATA: Api<{ readonly topics: readonly string[] }, MetadataResponse> = {
  key: 3,
  name: 'Metadata',
  minVersion: 10,
  maxVersion: 12,
  flexibleFrom: 9,
  encode(w, version, request) {
    w.array(request.topics, (name) => {
      w.uuid('00000000000000000000000000000000').string(name).tags();
    });
    w.bool(false); // allow_auto_topic_creation
    if (version <= 10) w.bool(false); // include_cluster_authorized_operations
    w.bool(false); // include_topic_authorized_operations
    w.tags();
  },
  decode(r, version) {
    r.int32(); // throttle
    const brokers = r.array(() => {
      const broker = { nodeId: r.int32(), host: r.string(), port: r.int32() };
      r.nullableString(); // rack
      r.tags();
      return broker;
    });
    const clusterId = r.nullableString();
    r.int32(); // controller
    const topics = r.array(() => {
      const errorCode = r.int16();
      const name = r.nullableString() ?? '';
      const topicId = r.uuid();
      r.bool(); // internal
      const partitions = r.array(() => {
        const partition = { errorCode: r.int16(), partition: r.int32(), leader: r.int32(), leaderEpoch: r.int32() };
        r.array(() => r.int32()); // replicas
        r.array(() => r.int32()); // isr
        r.array(() => r.int32()); // offline
        r.tags();
        return partition;
      });
      r.int32(); // topic authorized operations
      r.tags();
      return { errorCode, name, topicId, partitions };
    });
    if (version <= 10) r.int32(); // cluster authorized operations
    r.tags();
    return { brokers, clusterId, topics };
  },
};

import { ProtocolReader } from './protocol-reader.js';
import { ProtocolWriter } from './protocol-writer.js';

/**
 * The "consumer" protocol's member metadata and assignment (Kafka's
 * ConsumerProtocolSubscription / ConsumerProtocolAssignment, version 0):
 * what every consumer-group tool (kafka-consumer-groups, kafkajs, the Java
 * client) reads, so a group of ours looks like any consumer group.
 */

export function encodeSubscription(topics: readonly string[]): Buffer {
  const w = new ProtocolWriter(false).int16(0);
  w.array(topics, (t) => w.string(t)).bytes(null);
  return Buffer.from(w.bytesWritten());
}

export function decodeSubscription(bytes: Buffer): string[] {
  if (bytes.length < 2) return [];
  const r = new ProtocolReader(bytes, false, 2);
  return r.array(() => r.string());
}

export function encodeAssignment(assigned: ReadonlyMap<string, readonly number[]>): Buffer {
  const w = new ProtocolWriter(false).int16(0);
  w.array([...assigned], ([topic, partitions]) => {
    w.string(topic).array(partitions, (p) => w.int32(p));
  });
  w.bytes(null);
  return Buffer.from(w.bytesWritten());
}

/** The partitions of `topic` in an assignment of any version (later versions only add fields after these). */
export function decodeAssignment(bytes: Buffer, topic: string): number[] {
  if (bytes.length < 2) return [];
  const r = new ProtocolReader(bytes, false, 2);
  const partitions: number[] = [];
  r.array(() => {
    const name = r.string();
    const list = r.array(() => r.int32());
    if (name === topic) partitions.push(...list);
  });
  return partitions.sort((a, b) => a - b);
}

/**
 * Round-robin over members sorted by id, partitions in order: the same
 * result as kafkajs' RoundRobinAssigner and Java's RoundRobinAssignor for one
 * topic, so members of the previous (kafkajs-based) ingester and this one
 * can share a group during a rolling upgrade.
 */
export function assignRoundRobin(memberIds: readonly string[], partitions: readonly number[]): Map<string, number[]> {
  const members = [...memberIds].sort();
  const result = new Map<string, number[]>(members.map((m) => [m, []]));
  [...partitions].sort((a, b) => a - b).forEach((p, i) => result.get(members[i % members.length]!)!.push(p));
  return result;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { Admin } from '@platformatic/kafka';
import type { KafkaConfig } from '../../src/kafka/index.js';

/**
 * Deleting a topic and creating it again under the same name, and Kafka's id
 * of a topic, through @platformatic/kafka's admin client (Metadata v10+, so
 * it sees topic ids; neither our wire client nor kafkajs is used, so the ids
 * a test compares with the landing's come from an independent reader). Ids
 * are returned as Kafka prints them (base64url), the landing's form.
 */
function admin(kafka: KafkaConfig): Admin {
  return new Admin({ clientId: 'turnover-test-topics', bootstrapBrokers: [...kafka.brokers], retries: 0 });
}

/** Kafka's printed form of a uuid that @platformatic/kafka reads as 8-4-4-4-12 hex. */
function printed(uuid: string): string {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
}

export async function topicIdOf(kafka: KafkaConfig, topic: string): Promise<string> {
  const client = admin(kafka);
  try {
    const metadata = await client.metadata({ topics: [topic], forceUpdate: true });
    const found = metadata.topics.get(topic);
    if (!found) throw new Error(`no metadata for topic ${topic}`);
    return printed(found.id);
  } finally {
    await client.close();
  }
}

/**
 * Deletes the topic, waits until the cluster no longer lists it (deletion
 * completes asynchronously), creates it again with `partitions` partitions
 * and returns its old and new ids.
 */
export async function recreateTopic(kafka: KafkaConfig, topic: string, partitions: number): Promise<{ was: string; now: string }> {
  const was = await topicIdOf(kafka, topic);
  const client = admin(kafka);
  try {
    await client.deleteTopics({ topics: [topic] });
    const deadline = Date.now() + 30_000;
    while ((await client.listTopics()).includes(topic)) {
      if (Date.now() > deadline) throw new Error(`topic ${topic} still listed 30 s after its deletion`);
      await sleep(100);
    }
    const [created] = await client.createTopics({ topics: [topic], partitions, replicas: 1 });
    const now = printed(created!.id);
    if (now === was) throw new Error(`topic ${topic} got its old id ${was} back`);
    return { was, now };
  } finally {
    await client.close();
  }
}

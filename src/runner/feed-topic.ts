import { createAdmin, type KafkaConfig } from '../kafka/index.js';
import type { Logger } from '../log/logger.js';

/**
 * The runner's two questions to Kafka about its feed topic. Both go through
 * the admin's retry policy (kafkaAdminPolicy): right after the topic is
 * created, or after a broker restart, a broker may answer "not the leader"
 * for a while, which is a reason to wait, not to stop `turnover up`.
 */

/** Creates the topic with `partitions` when missing. */
export async function ensureTopic(kafka: KafkaConfig, topic: string, partitions: number, logger: Logger): Promise<void> {
  const admin = createAdmin(kafka, logger);
  try {
    if (await admin.createTopic(topic, partitions)) logger.info({ topic, partitions }, 'created the topic');
  } finally {
    await admin.close();
  }
}

/** Messages ever written to the topic (the sum of its partitions' end offsets). */
export async function topicMessages(kafka: KafkaConfig, topic: string, logger: Logger): Promise<number> {
  const admin = createAdmin(kafka, logger);
  try {
    return Number((await admin.topicOffsets(topic)).reduce((sum, p) => sum + p.high, 0n));
  } finally {
    await admin.close();
  }
}

import { configurationProblem, createAdmin, createProducer } from '../../kafka/index.js';
import type { Logger } from '../../log/logger.js';
import { ConfigError, UnavailableError } from '../../errors.js';
import type { Destination } from '../options.js';
import type { FeedSink } from './feed-sink.js';
import { FileSink } from './file-sink.js';
import { KafkaSink } from './kafka-sink.js';

/** Opens the destination; for Kafka, creates the topic when missing (with --partitions) and reads its partition count. */
export async function openSink(destination: Destination, logger: Logger): Promise<FeedSink> {
  if (destination.kind === 'file') return FileSink.open(destination.path);
  const admin = createAdmin(destination.kafka, logger);
  let partitions: number;
  try {
    // look first: creating an existing topic works but makes kafkajs log a warning
    if (!(await admin.listTopics()).includes(destination.topic) && (await admin.createTopic(destination.topic, destination.partitions))) {
      logger.info(`created topic ${destination.topic} with ${destination.partitions} partitions`);
    }
    partitions = (await admin.topicOffsets(destination.topic)).length;
  } catch (error) {
    // the admin already waited out what may pass (a broker restart, "not the leader": kafkaAdminPolicy)
    const problem = configurationProblem(error);
    if (problem) throw new ConfigError(`Kafka: ${problem}`, error);
    throw new UnavailableError(`cannot reach Kafka at ${destination.kafka.brokers.join(',')} to prepare topic ${destination.topic}`, error);
  } finally {
    await admin.close();
  }
  const producer = createProducer(destination.kafka, logger, destination.producer);
  return new KafkaSink(producer, { topic: destination.topic, partitions, keys: destination.keys, batchSize: destination.batchSize });
}

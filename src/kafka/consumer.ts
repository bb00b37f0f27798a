import type { Logger } from '../log/logger.js';
import type { ConsumerOptions, KafkaConsumer } from './client.js';
import type { KafkaConfig } from './kafka-config.js';
import { WireConsumer } from './wire/wire-consumer.js';

/**
 * The one place that picks the consumer behind KafkaConsumer: our wire
 * client (why: docs/ingest.md). A module of its own so that the ingester
 * starts without loading the admin and producer libraries (kafkajs,
 * @platformatic/kafka), which it does not use.
 */
export function createConsumer(config: KafkaConfig, options: ConsumerOptions, logger: Logger): KafkaConsumer {
  return new WireConsumer(config, options, logger);
}

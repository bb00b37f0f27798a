import type { Logger } from '../log/logger.js';
import type { KafkaAdmin, KafkaProducer } from './client.js';
import type { KafkaConfig } from './kafka-config.js';
import { KafkaJsAdmin } from './kafkajs/kafkajs-admin.js';
import { KafkaJsProducer } from './kafkajs/kafkajs-producer.js';
import { PlatformaticProducer } from './platformatic/platformatic-producer.js';
import type { AdminTuning } from './kafkajs/kafkajs-admin.js';

export type * from './client.js';
export { kafkaConfigFrom, type KafkaConfig, type KafkaSecrets } from './kafka-config.js';
export { partitionForKey } from './partitioner.js';
export { decodeRecords } from './decode-records.js';
export { createConsumer } from './consumer.js';

import type { ProducerLibrary } from './producer-library.js';
export { PRODUCER_LIBRARIES, type ProducerLibrary } from './producer-library.js';
export { configurationProblem } from './kafka-errors.js';

/** The one place that picks the client library behind our Kafka interfaces. */
export function createAdmin(config: KafkaConfig, logger: Logger, tuning?: AdminTuning): KafkaAdmin {
  return new KafkaJsAdmin(config, logger, tuning);
}

export function createProducer(config: KafkaConfig, logger: Logger, library: ProducerLibrary = 'kafkajs'): KafkaProducer {
  return library === 'platformatic' ? new PlatformaticProducer(config, logger) : new KafkaJsProducer(config, logger);
}


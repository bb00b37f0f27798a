import { CompressionTypes, type Producer } from 'kafkajs';
import type { Logger } from '../../log/logger.js';
import type { KafkaProducer, ProducedMessage } from '../client.js';
import type { KafkaConfig } from '../kafka-config.js';
import { connect } from './kafkajs-connection.js';

export class KafkaJsProducer implements KafkaProducer {
  readonly #producer: Producer;
  #connected: Promise<void> | undefined;

  constructor(config: KafkaConfig, logger: Logger) {
    this.#producer = connect(config, logger).producer({ allowAutoTopicCreation: false });
  }

  async send(topic: string, messages: readonly ProducedMessage[]): Promise<void> {
    this.#connected ??= this.#producer.connect().catch((error: unknown) => {
      this.#connected = undefined;
      throw error;
    });
    await this.#connected;
    await this.#producer.send({
      topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages: messages.map((m) => ({
        key: m.key ?? null,
        value: m.value,
        ...(m.partition === undefined ? {} : { partition: m.partition }),
        ...(m.headers ? { headers: { ...m.headers } } : {}),
        ...(m.timestamp === undefined ? {} : { timestamp: String(m.timestamp) }),
      })),
    });
  }

  async close(): Promise<void> {
    if (this.#connected) await this.#producer.disconnect();
    this.#connected = undefined;
  }
}

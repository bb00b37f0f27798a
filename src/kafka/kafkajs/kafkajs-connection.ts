import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type logCreator } from 'kafkajs';
import type { Logger } from '../../log/logger.js';
import { producerLibraryRetry } from '../../retry/policies.js';
import { usesTls, type KafkaConfig } from '../kafka-config.js';

/**
 * kafkajs logs through our logger: its ERROR lines during a broker restart
 * are real information for an operator, its INFO lines are noise.
 */
function logCreatorFor(logger: Logger): logCreator {
  return () => ({ namespace, level, log }) => {
    const { message, ...extra } = log;
    const fields = { kafka: namespace, ...extra };
    if (level === logLevel.ERROR) logger.warn(fields, String(message));
    else if (level === logLevel.WARN) logger.warn(fields, String(message));
    else if (level === logLevel.INFO) logger.debug(fields, String(message));
    else logger.trace(fields, String(message));
  };
}

export interface ConnectionTuning {
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

/**
 * kafkajs' settings. `retries` are kafkajs' own, inside one call: the
 * producer keeps the library's (producerLibraryRetry), the admin turns them
 * off and retries whole calls with our policy instead (kafkajs-admin.ts).
 */
export function kafkaJsConfig(config: KafkaConfig, logger: Logger, tuning: ConnectionTuning = {}, retries: number = producerLibraryRetry.retries): KafkaJsConfig {
  const tls = usesTls(config);
  return {
    clientId: config.clientId,
    brokers: [...config.brokers],
    ssl: tls ? (config.sslCa ? { ca: [config.sslCa] } : true) : false,
    ...(config.sasl
      ? {
          sasl:
            config.sasl.mechanism === 'plain'
              ? { mechanism: 'plain', username: config.sasl.username, password: config.sasl.password }
              : config.sasl.mechanism === 'scram-sha-256'
                ? { mechanism: 'scram-sha-256', username: config.sasl.username, password: config.sasl.password }
                : { mechanism: 'scram-sha-512', username: config.sasl.username, password: config.sasl.password },
        }
      : {}),
    connectionTimeout: tuning.connectionTimeoutMs ?? 5_000,
    requestTimeout: tuning.requestTimeoutMs ?? 30_000,
    retry: { retries, initialRetryTime: producerLibraryRetry.initialDelayMs, maxRetryTime: producerLibraryRetry.maxDelayMs },
    logLevel: logLevel.INFO,
    logCreator: logCreatorFor(logger),
  };
}

export function connect(config: KafkaConfig, logger: Logger, tuning?: ConnectionTuning, retries?: number): Kafka {
  return new Kafka(kafkaJsConfig(config, logger, tuning, retries));
}

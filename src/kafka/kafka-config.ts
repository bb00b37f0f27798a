import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** Validated, frozen connection settings for any Kafka client of ours. */
export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly securityProtocol: SecurityProtocol;
  readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
  /** PEM text of the CA, when the brokers' certificates are not signed by a public CA. */
  readonly sslCa?: string;
}

export interface KafkaConfigInput {
  readonly brokers?: unknown;
  readonly clientId?: unknown;
  readonly saslMechanism?: unknown;
  readonly saslUsername?: unknown;
  readonly sslCa?: unknown;
  readonly securityProtocol?: unknown;
}

const BROKER = /^[A-Za-z0-9._-]+(\.[A-Za-z0-9._-]+)*:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

/** Where the one secret that has no flag comes from (the command's secrets accessor, src/command/edge-values.ts). */
export interface KafkaSecrets {
  get(name: 'TURNOVER_KAFKA_SASL_PASSWORD'): string | undefined;
}

/** Builds the config from parsed CLI options (flags with env fallback) and the SASL password. */
export function kafkaConfigFrom(input: KafkaConfigInput, secrets: KafkaSecrets): KafkaConfig {
  const rawBrokers = typeof input.brokers === 'string' ? input.brokers : '';
  const brokers = rawBrokers.split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) {
    throw new ConfigError('no Kafka brokers: set TURNOVER_KAFKA_BROKERS (or --brokers), e.g. 127.0.0.1:19092; for the local stack: eval "$(npx turnover stack env)"');
  }
  for (const broker of brokers) {
    if (!BROKER.test(broker)) throw new ConfigError(`bad Kafka broker address "${broker}": expected host:port`);
  }
  const mechanism = typeof input.saslMechanism === 'string' && input.saslMechanism ? (input.saslMechanism.toLowerCase() as SaslMechanism) : undefined;
  const caPath = typeof input.sslCa === 'string' && input.sslCa ? input.sslCa : undefined;
  const protocol = (typeof input.securityProtocol === 'string' && input.securityProtocol
    ? input.securityProtocol
    : mechanism ? 'SASL_SSL' : caPath ? 'SSL' : 'PLAINTEXT') as SecurityProtocol;

  let sasl: KafkaConfig['sasl'];
  if (protocol.startsWith('SASL')) {
    if (!mechanism) throw new ConfigError(`${protocol} needs a SASL mechanism: set TURNOVER_KAFKA_SASL_MECHANISM (scram-sha-512, scram-sha-256 or plain)`);
    const username = typeof input.saslUsername === 'string' ? input.saslUsername : '';
    const password = secrets.get('TURNOVER_KAFKA_SASL_PASSWORD') ?? '';
    if (!username) throw new ConfigError('SASL needs a user name: set TURNOVER_KAFKA_SASL_USERNAME');
    if (!password) throw new ConfigError('SASL needs a password: set TURNOVER_KAFKA_SASL_PASSWORD (there is no flag, so it never shows in ps)');
    sasl = Object.freeze({ mechanism, username, password });
  }
  let sslCa: string | undefined;
  if (caPath) {
    try {
      sslCa = readFileSync(caPath, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read the Kafka CA file TURNOVER_KAFKA_SSL_CA=${caPath}`, error);
    }
    if (!sslCa.includes('-----BEGIN CERTIFICATE-----')) throw new ConfigError(`the Kafka CA file ${caPath} holds no PEM certificate`);
  }
  return Object.freeze({
    brokers: Object.freeze(brokers),
    clientId: typeof input.clientId === 'string' && input.clientId ? input.clientId : 'turnover',
    securityProtocol: protocol,
    ...(sasl ? { sasl } : {}),
    ...(sslCa ? { sslCa } : {}),
  });
}

/** Whether TLS is on for this protocol. */
export function usesTls(config: KafkaConfig): boolean {
  return config.securityProtocol === 'SSL' || config.securityProtocol === 'SASL_SSL';
}

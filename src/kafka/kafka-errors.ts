/**
 * Which Kafka failures are configuration problems (retrying cannot help) and
 * which are outages (retry with back-off). Reads the error and its causes,
 * whatever client raised it.
 */
import { TLS_TRUST_CODES } from '../net/socket-errors.js';

const AUTH_TYPES = new Set([
  'SASL_AUTHENTICATION_FAILED',
  'UNSUPPORTED_SASL_MECHANISM',
  'ILLEGAL_SASL_STATE',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
]);

/** A one-line reason when the error is a configuration problem, else undefined. */
export function configurationProblem(error: unknown): string | undefined {
  for (let e = error as { name?: string; message?: string; code?: string; type?: string; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (e.name === 'KafkaJSSASLAuthenticationError' || (e.type && AUTH_TYPES.has(e.type))) {
      return `authentication or authorisation failed (check TURNOVER_KAFKA_SASL_MECHANISM / _USERNAME / _PASSWORD and ACLs): ${e.message}`;
    }
    if (e.code && TLS_TRUST_CODES.has(e.code)) {
      return `the broker's TLS certificate is not trusted (${e.code}; set TURNOVER_KAFKA_SSL_CA to the CA's PEM file)`;
    }
    if (e.code === 'ENOTFOUND') return `unknown broker host (check TURNOVER_KAFKA_BROKERS): ${e.message}`;
    if (/ENOTFOUND/.test(e.message ?? '')) return `unknown broker host (check TURNOVER_KAFKA_BROKERS): ${e.message}`;
  }
  return undefined;
}

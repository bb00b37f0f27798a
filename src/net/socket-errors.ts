/**
 * Node's socket and TLS error codes, by what they mean for a retry. A leaf
 * module: the SQLSTATE classifier (db/sqlstate.ts), the Kafka error reader
 * (kafka/kafka-errors.ts) and the retry decision (retriable.ts) all read it.
 */

/** The server went away, refused, or never answered: worth another try. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);

/** The request never left this machine (nothing was processed): even a non-idempotent request may be sent again. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN']);

/** A certificate the client does not trust: a configuration problem, the same on every try. */
export const TLS_TRUST_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

export function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isTransientSocketCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_CODES.has(code);
}

export function isNotSentSocketCode(code: string | undefined): boolean {
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/** An unknown host or an untrusted certificate: retrying cannot help. */
export function isConfigurationSocketCode(code: string | undefined): boolean {
  return code !== undefined && (code === 'ENOTFOUND' || TLS_TRUST_CODES.has(code));
}

const ZERO_ID = '0'.repeat(32);

/**
 * Kafka's printed form of a topic id — 22 characters of base64url, what
 * `kafka-topics --describe` and the Java client's `Uuid.toString()` show —
 * from the 32 hex digits of the wire; null for the all-zero id of a topic
 * the broker keeps no id for. The landing records ids in this form, so an
 * operator can compare them with Kafka's tools.
 */
export function topicIdText(hex: string): string | null {
  if (hex === ZERO_ID) return null;
  return Buffer.from(hex, 'hex').toString('base64url');
}

import type { RejectReason } from '../contracts/index.js';

/** Why a message is in the feed: a regular event, or a scenario's doing. */
export type MessageOrigin = 'event' | 'late' | 'redelivery' | 'correction' | 'poison';

export interface GeneratedMessage {
  /** Kafka key: the message's object_id (null only for poison that has none). */
  readonly key: string | null;
  /** The Kafka value: JSON text, or raw bytes for poison that is not valid UTF-8. */
  readonly value: string | Buffer;
  readonly kind: 'TRANSACTION' | 'CURRENCY' | 'POISON';
  /** When the feed sends it, ms since the epoch: a live tail waits until then. */
  readonly emitAt: number;
  /** Business date of the event (transaction_dt's or date_update's date), YYYY-MM-DD. */
  readonly day: string;
  readonly origin: MessageOrigin;
  /** For poison: the reason the contract parser must reject it with. */
  readonly expectedReject?: RejectReason;
}

import type { ProtocolReader } from '../protocol-reader.js';
import type { ProtocolWriter } from '../protocol-writer.js';

/**
 * One Kafka API as the wire client speaks it: the versions we implement
 * (the connection picks the highest the broker also serves), where the
 * flexible encoding starts, and the body's encoder and decoder.
 */
export interface Api<Request, Response> {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First version with compact encodings and tagged fields (KIP-482). */
  readonly flexibleFrom: number;
  encode(w: ProtocolWriter, version: number, request: Request): void;
  decode(r: ProtocolReader, version: number): Response;
}

import { encodeFetched, type EncodedRows } from '../../src/landing/index.js';
import type { ProducedMessage } from '../../src/kafka/index.js';
import { encodeRecordBatch } from '../../src/kafka/platformatic/record-batch.js';

/**
 * Landing rows for records of one partition at offsets from, from + 1, …:
 * the record batch a producer would send (our encoder), given the offsets a
 * broker would, then encoded by the ingester's own batch-to-COPY path.
 */
export function landingRows(topic: string, partition: number, from: number, messages: readonly ProducedMessage[], incarnation = 0): EncodedRows {
  const batch = encodeRecordBatch(messages);
  batch.writeBigInt64BE(BigInt(from), 0); // the broker's offsets: not covered by the CRC
  return encodeFetched({ topic: Buffer.from(topic), incarnation, partition }, batch, from);
}

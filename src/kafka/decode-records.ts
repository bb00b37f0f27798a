import type { ConsumedRecord, FetchedBatch, RecordHeader } from './client.js';
import { RecordBatchReader } from './record-batch-reader.js';

/**
 * The records of a fetched batch as objects, for tests and tools that read a
 * topic: the ingest path never builds these (it encodes rows straight from
 * the batch). A batch that cannot be read throws.
 */
export function decodeRecords(batch: FetchedBatch): ConsumedRecord[] {
  const reader = new RecordBatchReader(batch.recordBatches, batch.fetchOffset, batch.abortedTransactions);
  const records: ConsumedRecord[] = [];
  const slice = (start: number, length: number) => (length < 0 ? null : Buffer.from(reader.data.subarray(start, start + length)));
  while (reader.nextBatch()) {
    while (reader.nextRecord()) {
      const headers: RecordHeader[] = [];
      while (reader.nextHeader()) headers.push({ key: slice(reader.headerNameStart, Math.max(0, reader.headerNameLength))!, value: slice(reader.headerValueStart, reader.headerValueLength) });
      records.push({
        offset: reader.offset,
        key: slice(reader.keyStart, reader.keyLength),
        value: slice(reader.valueStart, reader.valueLength),
        timestamp: BigInt.asIntN(64, (BigInt(reader.timestampHigh) << 32n) | BigInt(reader.timestampLow)),
        headers: headers.length > 0 ? headers : null,
      });
    }
    if (reader.problem) throw new Error(`partition ${batch.partition}, offsets ${reader.baseOffset}..${reader.lastOffset}: ${reader.problem}: ${reader.problemDetail}`);
  }
  return records;
}

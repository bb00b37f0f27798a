import { createAPI, produceV7, Writer, type Connection } from '@platformatic/kafka';

/**
 * Produce request v7 (acks, timeout, one topic, pre-encoded record batches
 * per partition) sent on a connection that @platformatic/kafka opened and
 * authenticated. The response parser is the library's own: a partition error
 * rejects the call, and the caller falls back to the library's send, which
 * refreshes metadata and retries.
 */
function createRequest(acks: number, timeoutMs: number, topic: string, batches: readonly (readonly [number, Buffer])[]): Writer {
  const writer = Writer.create().appendString(null, false).appendInt16(acks).appendInt32(timeoutMs).appendInt32(1).appendString(topic, false).appendInt32(batches.length);
  for (const [partition, batch] of batches) writer.appendInt32(partition).appendInt32(batch.length).append(batch);
  return writer;
}

const produceBatches = createAPI<[number, number, string, readonly (readonly [number, Buffer])[]], unknown>(0, 7, createRequest, produceV7.parseResponse, false, false);

export function sendBatches(connection: Connection, topic: string, batches: readonly (readonly [number, Buffer])[], timeoutMs: number): Promise<unknown> {
  return produceBatches.async(connection, -1, timeoutMs, topic, batches);
}

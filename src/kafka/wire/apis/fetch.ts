import type { Api } from './api.js';

export interface FetchPartitionRequest {
  readonly partition: number;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

export interface FetchRequest {
  readonly topic: string;
  /** Used from v13 on, where topics are named by id. */
  readonly topicId: string;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly partitions: readonly FetchPartitionRequest[];
}

export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: number;
}

export interface FetchPartitionResponse {
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  readonly abortedTransactions: readonly AbortedTransaction[];
  /** Record batches, a view of the response frame; may end with a partial batch. */
  readonly records: Buffer;
}

export interface FetchResponse {
  readonly throttleTimeMs: number;
  readonly errorCode: number;
  readonly partitions: readonly FetchPartitionResponse[];
}

const NO_RECORDS = Buffer.alloc(0);
const READ_COMMITTED = 1;

/**
 * Fetch v12–v17 (flexible; v13+ names topics by id), read_committed, one
 * topic, without a fetch session (each request is a full fetch: with a few
 * partitions per broker a session saves nothing).
 */
export const FETCH: Api<FetchRequest, FetchResponse> = {
  key: 1,
  name: 'Fetch',
  minVersion: 12,
  maxVersion: 17,
  flexibleFrom: 12,
  encode(w, version, request) {
    if (version <= 14) w.int32(-1); // replica id: a consumer
    w.int32(request.maxWaitMs).int32(request.minBytes).int32(request.maxBytes).int8(READ_COMMITTED);
    w.int32(0).int32(-1); // no fetch session
    w.array([request], (topic) => {
      if (version >= 13) w.uuid(topic.topicId);
      else w.string(topic.topic);
      w.array(topic.partitions, (p) => {
        w.int32(p.partition).int32(-1).int64(p.fetchOffset).int32(-1).int64(-1).int32(p.maxBytes).tags();
      });
      w.tags();
    });
    w.array([], () => undefined); // forgotten topics
    w.string(''); // rack
    w.tags();
  },
  decode(r, version) {
    const throttleTimeMs = r.int32();
    const errorCode = r.int16();
    r.int32(); // session id
    const partitions: FetchPartitionResponse[] = [];
    r.array(() => {
      if (version >= 13) r.uuid();
      else r.string();
      r.array(() => {
        const partition = r.int32();
        const code = r.int16();
        const highWatermark = r.int64();
        const lastStableOffset = r.int64();
        const logStartOffset = r.int64();
        const aborted = r.array(() => {
          const producerId = r.buffer.readBigInt64BE(r.at);
          r.at += 8;
          const firstOffset = r.int64();
          r.tags();
          return { producerId, firstOffset };
        });
        r.int32(); // preferred read replica
        const records = r.bytes() ?? NO_RECORDS;
        r.tags();
        partitions.push({ partition, errorCode: code, highWatermark, lastStableOffset, logStartOffset, abortedTransactions: aborted, records });
      });
      r.tags();
    });
    r.tags();
    return { throttleTimeMs, errorCode, partitions };
  },
};

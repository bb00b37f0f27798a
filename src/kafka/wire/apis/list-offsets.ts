import type { Api } from './api.js';

/** ListOffsets' special timestamps. */
export const EARLIEST = -2;
export const LATEST = -1;

export interface ListOffsetsRequest {
  readonly topic: string;
  readonly partitions: readonly number[];
  readonly timestamp: typeof EARLIEST | typeof LATEST;
}

export interface PartitionOffset {
  readonly partition: number;
  readonly errorCode: number;
  readonly offset: number;
}

/** ListOffsets v6–v10 (flexible; Kafka 2.5+), read_uncommitted: the log start or the high watermark. */
export const LIST_OFFSETS: Api<ListOffsetsRequest, PartitionOffset[]> = {
  key: 2,
  name: 'ListOffsets',
  minVersion: 6,
  maxVersion: 10,
  flexibleFrom: 6,
  encode(w, version, request) {
    w.int32(-1).int8(0);
    w.array([request.topic], (topic) => {
      w.string(topic);
      w.array(request.partitions, (partition) => {
        w.int32(partition).int32(-1).int64(request.timestamp).tags();
      });
      w.tags();
    });
    if (version >= 10) w.int32(30_000);
    w.tags();
  },
  decode(r) {
    r.int32(); // throttle
    const result: PartitionOffset[] = [];
    r.array(() => {
      r.string();
      r.array(() => {
        const partition = r.int32();
        const errorCode = r.int16();
        r.int64(); // timestamp
        const offset = r.int64();
        r.int32(); // leader epoch
        r.tags();
        result.push({ partition, errorCode, offset });
      });
      r.tags();
    });
    r.tags();
    return result;
  },
};

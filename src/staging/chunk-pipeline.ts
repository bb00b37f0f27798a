import type { PausePoint } from '../test-hooks/pause-point.js';
import type { LandedPartition, LandingReader } from '../landing/index.js';
import type { ChunkParser, StagedChunk } from './staged-chunk.js';

/** A chunk ready to write: parsed, counted by the landing zone, with the watermark it must follow. */
export interface PreparedChunk {
  readonly staged: StagedChunk;
  /** The landing zone's own count of the chunk's offset range. */
  readonly landed: number;
  /** The committed watermark the chunk continues from (null: the partition has none yet). */
  readonly expectedNext: number | null;
}

export interface PipelineOptions {
  readonly chunkSize: number;
  /** Chunks read from one partition before moving to the next, so partitions advance together. */
  readonly chunksPerTurn: number;
  /** Chunks read and parsed ahead of the one being written. */
  readonly depth: number;
  readonly loseOneRecord: boolean;
  /** Test-only stop after a read (test-hooks/pause-point.ts). */
  readonly pause: PausePoint;
}

interface PartitionState {
  readonly at: LandedPartition;
  /** Next offset to read, and the watermark the next chunk read will continue from. */
  next: number;
  expected: number | null;
  remaining: number;
  done: boolean;
}

/**
 * One turn of the loader as a read-ahead pipeline: chunks are read one after
 * the other on the landing connection (each starts where the previous one of
 * its partition ended), parsed and counted while earlier chunks are being
 * written, and handed out strictly in order, at most `depth` ahead of the
 * writer. Reading ahead is side-effect free: only the writer's transaction
 * moves a watermark, so chunks read but never written are simply read again.
 */
export class ChunkPipeline {
  readonly #states: PartitionState[];
  readonly #queue: Promise<PreparedChunk | null>[] = [];
  #reads: Promise<unknown> = Promise.resolve();
  #current = 0;
  #failed = false;

  constructor(
    private readonly reader: LandingReader,
    private readonly parser: ChunkParser,
    partitions: readonly { readonly at: LandedPartition; readonly committed: number | null }[],
    private readonly options: PipelineOptions,
  ) {
    this.#states = partitions.map(({ at, committed }) => ({ at, next: committed ?? 0, expected: committed, remaining: options.chunksPerTurn, done: false }));
  }

  /** The next chunk in order, or null when the turn has nothing more. */
  async next(): Promise<PreparedChunk | null> {
    for (;;) {
      this.#fill();
      const head = this.#queue.shift();
      if (!head) return null;
      const prepared = await head;
      if (prepared) return prepared;
    }
  }

  /** Waits for the chunks read ahead and releases them (after the last `next`, or when stopping early). */
  async close(): Promise<void> {
    this.#failed = true;
    const pending = this.#queue.splice(0);
    for (const prepared of await Promise.allSettled(pending)) {
      if (prepared.status === 'fulfilled') prepared.value?.staged.release();
    }
    await this.#reads;
  }

  #fill(): void {
    while (this.#queue.length < this.options.depth) {
      const state = this.#nextPartition();
      if (!state) return;
      state.remaining -= 1;
      const prepared = this.#prepare(state);
      prepared.catch(() => undefined); // awaited in order by next(); a failure surfaces there
      this.#queue.push(prepared);
    }
  }

  #nextPartition(): PartitionState | undefined {
    while (this.#current < this.#states.length) {
      const state = this.#states[this.#current]!;
      if (!state.done && state.remaining > 0) return state;
      this.#current += 1;
    }
    return undefined;
  }

  #prepare(state: PartitionState): Promise<PreparedChunk | null> {
    const read = this.#reads.then(async () => {
      if (state.done || this.#failed) return null;
      const landed = await this.reader.readChunk(state.at, state.next, this.options.chunkSize);
      if (landed === null) {
        state.done = true;
        return null;
      }
      // the next read of this partition (chained after this one) continues here
      const expectedNext = state.expected;
      state.next = landed.lastOffset + 1;
      state.expected = state.next;
      return { landed, expectedNext };
    });
    this.#reads = read.catch(() => {
      this.#failed = true;
    });
    return read.then(async (chunk) => {
      if (chunk === null) return null;
      const { landed, expectedNext } = chunk;
      await this.options.pause.reached('stg-chunk-read', { topic: landed.topic, partition: landed.partition, firstOffset: landed.firstOffset, lastOffset: landed.lastOffset });
      const counted = this.reader.countRange(landed, landed.firstOffset, landed.lastOffset);
      counted.catch(() => undefined);
      const staged = await this.parser.parse(landed, { loseOneRecord: this.options.loseOneRecord });
      try {
        return { staged, landed: await counted, expectedNext };
      } catch (error) {
        staged.release();
        throw error;
      }
    });
  }
}

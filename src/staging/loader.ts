import { setTimeout as sleep } from 'node:timers/promises';
import { operationalError } from '../db/operational-error.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { PausePoint } from '../test-hooks/pause-point.js';
import { ChunkPipeline } from './chunk-pipeline.js';
import type { ChunkWriter } from './chunk-writer.js';
import { watermarkKey, type LandedPartition, type LandingReader } from '../landing/index.js';
import type { LoadStgConfig } from './options.js';
import { isDataRefusal, isolateRefusal, type RefusedChunk } from './refused-records.js';
import type { ChunkParser } from './staged-chunk.js';
import { addCounts, type ChunkCounts } from './types.js';

export interface LoadTotals extends ChunkCounts {
  chunks: number;
  purged: number;
  /** Records the warehouse refused, quarantined as `warehouse_refused` (see refused-records.ts). */
  refused: number;
  /** Committed watermark per `topic|incarnation|partition` (watermarkKey) at the end. */
  readonly watermarks: Map<string, number>;
}

/** What the command around the loader wants to hear of it. */
export interface LoaderHooks {
  /** After each committed chunk and each finished turn: the databases are there (retry-unavailable.ts). */
  readonly progressed?: () => void;
  /** Test-only stops (test-hooks/pause-point.ts). */
  readonly pause?: PausePoint;
}

/** Chunks loaded from one partition before the loop moves to the next, so partitions advance together. */
const CHUNKS_PER_TURN = 16;

/**
 * The loader's loop: per (topic, partition), read chunks from the watermark
 * on, parse them while earlier ones are written (chunk-pipeline.ts), write
 * each with its watermark in one warehouse transaction. Stops between chunks
 * when the signal fires (a chunk in flight commits or rolls back whole).
 * A chunk the warehouse refuses for its data (SQLSTATE class 22, 54, 23)
 * ends the turn: the refused record is found and quarantined
 * (refused-records.ts) and the next turn goes on after it. Any other
 * database error stops the load with the exit status of its class
 * (db/operational-error.ts).
 */
export class StgLoader {
  readonly totals: LoadTotals = { read: 0, inserted: 0, updated: 0, duplicates: 0, rejected: 0, conflicts: 0, chunks: 0, purged: 0, refused: 0, watermarks: new Map() };
  #lastProgress = Date.now();
  readonly #started = Date.now();

  constructor(
    private readonly config: LoadStgConfig,
    private readonly reader: LandingReader,
    private readonly parser: ChunkParser,
    private readonly writer: ChunkWriter,
    private readonly logger: Logger,
    private readonly signal: AbortSignal,
    private readonly hooks: LoaderHooks = {},
  ) {}

  async run(): Promise<LoadTotals> {
    try {
      return await this.#run();
    } catch (error) {
      throw operationalError(error, 'load-stg');
    }
  }

  async #run(): Promise<LoadTotals> {
    const committed = await this.writer.watermarks();
    for (const [key, next] of committed) this.totals.watermarks.set(key, next);
    while (!this.signal.aborted) {
      const partitions = await this.reader.partitions(this.config.topics);
      const loaded = await this.#turn(partitions);
      this.hooks.progressed?.();
      if (this.config.purgeOlderThanDays !== undefined && !this.signal.aborted) await this.#purge(partitions, this.config.purgeOlderThanDays);
      if (loaded > 0) continue;
      if (this.config.untilCaughtUp) break;
      await sleep(this.config.pollIntervalMs, undefined, { signal: this.signal }).catch(() => undefined);
    }
    return this.totals;
  }

  async #turn(partitions: readonly LandedPartition[]): Promise<number> {
    const pipeline = new ChunkPipeline(
      this.reader,
      this.parser,
      partitions.map((at) => ({ at, committed: this.totals.watermarks.get(watermarkKey(at)) ?? null })),
      {
        chunkSize: this.config.chunkSize,
        chunksPerTurn: CHUNKS_PER_TURN,
        depth: this.config.readAhead,
        loseOneRecord: this.config.faults.loseParsedRecord,
        pause: this.hooks.pause ?? new PausePoint(undefined),
      },
    );
    let loaded = 0;
    let refused: RefusedChunk | undefined;
    try {
      while (!this.signal.aborted) {
        const prepared = await pipeline.next();
        if (prepared === null) break;
        const { staged } = prepared;
        const at: LandedPartition = { topic: staged.topic, incarnation: staged.incarnation, partition: staged.partition };
        const read = staged.read;
        let counts: ChunkCounts;
        try {
          counts = await this.writer.write(staged, prepared.expectedNext, prepared.landed);
        } catch (error) {
          if (!isDataRefusal(error)) throw error;
          refused = { at, expectedNext: prepared.expectedNext, records: read, error };
          break;
        }
        this.totals.watermarks.set(watermarkKey(at), staged.lastOffset + 1);
        this.#add(counts);
        loaded += counts.read;
        this.hooks.progressed?.();
        this.#progress(at, staged.lastOffset + 1);
        await this.hooks.pause?.reached('stg-chunk-committed', { ...at, nextOffset: staged.lastOffset + 1 });
      }
    } finally {
      await pipeline.close();
    }
    if (refused) loaded += await this.#isolate(refused);
    return loaded;
  }

  /** Writes a refused chunk in parts and quarantines the record the warehouse refuses; returns the records loaded. */
  async #isolate(refused: RefusedChunk): Promise<number> {
    this.logger.warn({ topic: refused.at.topic, incarnation: refused.at.incarnation, partition: refused.at.partition, records: refused.records, reason: describeError(refused.error) }, 'the warehouse refused a chunk for its data: isolating the record');
    const isolation = await isolateRefusal(refused, this.reader, this.parser, this.writer, this.logger, this.signal);
    let loaded = 0;
    for (const counts of isolation.counts) {
      this.#add(counts);
      loaded += counts.read;
    }
    this.totals.refused += isolation.quarantined;
    if (isolation.nextOffset !== null) this.totals.watermarks.set(watermarkKey(refused.at), isolation.nextOffset);
    return loaded;
  }

  async #purge(partitions: readonly LandedPartition[], olderThanDays: number): Promise<void> {
    for (const at of partitions) {
      const loadedBelow = this.totals.watermarks.get(watermarkKey(at));
      if (loadedBelow === undefined) continue;
      const purged = await this.reader.purgeLoaded(at, loadedBelow, olderThanDays);
      if (purged > 0) this.logger.info({ topic: at.topic, incarnation: at.incarnation, partition: at.partition, purged, loadedBelow }, 'purged loaded records from the landing zone');
      this.totals.purged += purged;
    }
  }

  #add(counts: ChunkCounts): void {
    addCounts(this.totals, counts);
    this.totals.chunks += 1;
  }

  #progress(at: LandedPartition, nextOffset: number): void {
    const now = Date.now();
    if (now - this.#lastProgress < this.config.progressIntervalMs) return;
    this.#lastProgress = now;
    const seconds = (now - this.#started) / 1000;
    this.logger.info(
      { read: this.totals.read, chunks: this.totals.chunks, rowsPerSecond: Math.round(this.totals.read / seconds), topic: at.topic, incarnation: at.incarnation, partition: at.partition, nextOffset },
      'loading STG',
    );
  }
}

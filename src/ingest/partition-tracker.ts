import { setTimeout as sleep } from 'node:timers/promises';
import { UnavailableError } from '../errors.js';
import type { FetchedBatch } from '../kafka/client.js';
import type { Logger } from '../log/logger.js';
import type { BatchWriter } from './batch-writer.js';
import { encodeRows } from './copy-binary.js';
import type { LandingPort } from './landing-thread.js';
import type { IngestMetrics } from './metrics.js';

interface PartitionState {
  /** PostgreSQL's next offset once everything queued has committed (null = no row yet). */
  landedNext: number | null;
  /** Where the next fetched batch must start to be contiguous with what was accepted. */
  position: number;
  /** When we last asked the consumer to seek to `position` (batches fetched before it still arrive). */
  seekSince: number | undefined;
}

export interface TrackerDeps {
  readonly topic: string;
  readonly store: LandingPort;
  readonly writer: BatchWriter;
  readonly seek: (partition: number, offset: number) => void;
  /** First offsets still in Kafka, per partition; throws UnavailableError when Kafka is away. */
  readonly lowWatermarks: () => Promise<Map<number, number>>;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
}

const STALE_SEEK_MS = 5_000;

/**
 * The fetch side of exactly-once: decides which fetched records become rows.
 * After every assignment (and after a conflict) it forgets what it knew and
 * re-reads PostgreSQL's offsets — PostgreSQL, not Kafka, says where to start —
 * then accepts only batches that continue exactly where the accepted ones
 * ended, and seeks the consumer there otherwise. A partition the group has
 * no row for continues after what is landed, or starts at the earliest offset
 * Kafka still has when nothing is (sql/landing/read_offsets.sql).
 */
export class PartitionTracker {
  readonly #d: TrackerDeps;
  readonly #topic: Buffer;
  #assigned: readonly number[] = [];
  #epoch = 0;
  readonly #states = new Map<number, PartitionState>();
  #loading: Promise<void> | undefined;
  #closing = false;
  /** PostgreSQL-confirmed next offsets (committed transactions), for lag and the Kafka commit. */
  readonly committed = new Map<number, number>();

  constructor(deps: TrackerDeps) {
    this.#d = deps;
    this.#topic = Buffer.from(deps.topic, 'utf8');
  }

  get assigned(): readonly number[] {
    return this.#assigned;
  }

  assign(partitions: readonly number[]): void {
    this.#assigned = partitions;
    this.#epoch += 1;
    this.#states.clear();
    this.#d.metrics.assigned(partitions);
    this.#d.logger.info({ topic: this.#d.topic, partitions }, `assigned partitions [${partitions.join(', ')}]`);
  }

  /** After a conflict: everything known is stale; re-read PostgreSQL before the next batch. */
  invalidate(): void {
    this.#epoch += 1;
    this.#states.clear();
  }

  /** From now on fetched batches are ignored (graceful stop). */
  close(): void {
    this.#closing = true;
  }

  async onBatch(batch: FetchedBatch, heartbeat: () => Promise<void>): Promise<void> {
    if (this.#closing || !this.#assigned.includes(batch.partition)) return;
    const p = batch.partition;
    let state = this.#states.get(p);
    while (state === undefined) {
      await this.#load(heartbeat);
      if (this.#closing) return;
      state = this.#states.get(p);
      if (!this.#assigned.includes(p)) return;
    }

    if (batch.fetchOffset > state.position) {
      // Not contiguous: fetched before our seek took effect, or the records
      // we need are no longer in Kafka (retention deleted them unlanded).
      if (state.seekSince !== undefined && Date.now() - state.seekSince < STALE_SEEK_MS) return;
      let low: number;
      try {
        low = (await this.#d.lowWatermarks()).get(p) ?? 0;
      } catch {
        low = 0; // Kafka busy or away: seek back to where we are and look again on the next batch
      }
      if (this.#states.get(p) !== state) return; // reassigned or invalidated meanwhile
      if (low > state.position) {
        this.#d.logger.error({ partition: p, from: state.position, to: low }, `offsets ${state.position}..${low - 1} of partition ${p} were deleted from Kafka before they were landed`);
        this.#d.metrics.error('kafka_retention_gap');
        state.position = low;
      }
      if (batch.fetchOffset !== state.position) {
        this.#d.seek(p, state.position);
        state.seekSince = Date.now();
        return;
      }
    }
    if (batch.nextOffset <= state.position) return;
    const from = state.position;
    const records = batch.fetchOffset === from ? batch.records : batch.records.filter((r) => r.offset >= from);
    state.position = batch.nextOffset;
    state.seekSince = undefined;
    if (records.length === 0) return;

    const next = records[records.length - 1]!.offset + 1;
    let valueBytes = 0;
    for (const r of records) valueBytes += r.value === null ? 0 : r.value.length;
    const chunk = {
      partition: p,
      generation: this.#d.writer.generation,
      expected: state.landedNext,
      next,
      rows: records.length,
      valueBytes,
      bytes: encodeRows(this.#topic, p, records),
    };
    state.landedNext = next;
    this.#d.metrics.highWatermark(p, batch.highWatermark);
    await this.#d.writer.enqueue(chunk, heartbeat);
  }

  /** Loads every assigned partition's start from PostgreSQL, once per assignment. */
  #load(heartbeat: () => Promise<void>): Promise<void> {
    this.#loading ??= this.#loadOnce(heartbeat).finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #loadOnce(heartbeat: () => Promise<void>): Promise<void> {
    const epoch = this.#epoch;
    // What we queued before must be in PostgreSQL (or dropped) before we read it.
    await whileBeating(this.#d.writer.drain(), heartbeat);
    let backoff = 250;
    for (;;) {
      try {
        const partitions = this.#assigned;
        const offsets = await this.#d.store.readOffsets(partitions);
        const lows = [...offsets.values()].includes(null) ? await this.#d.lowWatermarks() : new Map<number, number>();
        if (epoch !== this.#epoch) return;
        for (const [p, next] of offsets) {
          const position = next ?? lows.get(p) ?? 0;
          this.#states.set(p, { landedNext: next, position, seekSince: undefined });
          if (next !== null) this.committed.set(p, next);
        }
        this.#d.logger.info(
          { partitions: Object.fromEntries([...offsets].map(([p, n]) => [p, n ?? `earliest (${lows.get(p) ?? 0})`])) },
          'starting from PostgreSQL offsets',
        );
        return;
      } catch (error) {
        if (!(error instanceof UnavailableError)) throw error;
        this.#d.metrics.error('offsets_unavailable');
        this.#d.logger.warn({ err: (error as Error).message, retryInMs: backoff }, 'cannot read start offsets; retrying');
        await whileBeating(sleep(backoff), heartbeat);
        backoff = Math.min(backoff * 2, 10_000);
        if (epoch !== this.#epoch || this.#closing) return;
      }
    }
  }
}

/** Waits for `work` and heartbeats every second meanwhile, so the group keeps this member. */
async function whileBeating(work: Promise<unknown>, heartbeat: () => Promise<void>): Promise<void> {
  let done = false;
  const finished = work.then(() => {
    done = true;
  });
  while (!done) {
    await Promise.race([finished, sleep(1_000)]);
    if (!done) await heartbeat();
  }
}

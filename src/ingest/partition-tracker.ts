import { setTimeout as sleep } from 'node:timers/promises';
import { TurnoverError } from '../errors.js';
import type { FetchedBatch, OffsetPastEnd } from '../kafka/client.js';
import { encodeFetched, type LandingStream } from '../landing/index.js';
import { Backoff, isRetriable, transactionPolicy } from '../retry/index.js';
import type { BatchWriter } from './batch-writer.js';
import type { IngestMetrics } from './metrics.js';
import { reportRetentionGap, resolveStartOffsets, type StartOffsetsDeps } from './start-offsets.js';

interface PartitionState {
  /** Where its rows land: topic, the incarnation the start offsets were read in, partition. */
  readonly stream: LandingStream;
  /** PostgreSQL's next offset once everything queued has committed (null = no row yet). */
  landedNext: number | null;
  /** Where the next fetched batch must start to be contiguous with what was accepted. */
  position: number;
  /** When we last asked the consumer to seek to `position` (batches fetched before it still arrive). */
  seekSince: number | undefined;
}

export interface TrackerDeps extends StartOffsetsDeps {
  readonly metrics: IngestMetrics;
  readonly writer: BatchWriter;
  readonly seek: (partition: number, offset: number) => void;
  /** First offsets still in Kafka, per partition; throws UnavailableError when Kafka is away. */
  readonly lowWatermarks: () => Promise<Map<number, number>>;
  /** An error retrying cannot fix (the run ends). */
  readonly fail: (error: Error) => void;
}

const STALE_SEEK_MS = 5_000;

/**
 * The fetch side of exactly-once: decides which fetched records become rows.
 * After every assignment (and after a conflict, or a position Kafka calls
 * past the log's end) it forgets what it knew, re-reads PostgreSQL's offsets
 * — PostgreSQL, not Kafka, says where to start — once they are known to fit
 * Kafka's log (start-offsets.ts: a recreated topic or a truncated log stops
 * the ingester or opens a new incarnation), and seeks the consumer there; it
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

  assign(partitions: readonly number[], topicId: string | null): void {
    this.#assigned = partitions;
    this.#epoch += 1;
    this.#states.clear();
    this.#d.metrics.assigned(partitions);
    this.#d.logger.info({ topic: this.#d.topic, topicId, partitions }, `assigned partitions [${partitions.join(', ')}]`);
    this.#startLoading();
  }

  /** Kafka says a position is past the end of the partition's log: judge the topic's offsets again (start-offsets.ts). */
  pastEnd(report: OffsetPastEnd): void {
    if (this.#closing || !this.#assigned.includes(report.partition)) return;
    this.#d.logger.info({ ...report }, `Kafka's log of partition ${report.partition} ends at ${report.high}, before the fetch position ${report.offset}; checking the landing's offsets again`);
    this.invalidate();
  }

  /** After a conflict: everything known is stale; re-read PostgreSQL and seek there. */
  invalidate(): void {
    this.#epoch += 1;
    this.#states.clear();
    this.#startLoading();
  }

  #startLoading(): void {
    if (this.#assigned.length === 0) return;
    this.#load().catch((error: unknown) => this.#d.fail(error as Error));
  }

  /** From now on fetched batches are ignored (graceful stop). */
  close(): void {
    this.#closing = true;
  }

  async onBatch(batch: FetchedBatch): Promise<void> {
    if (this.#closing || !this.#assigned.includes(batch.partition)) return;
    const p = batch.partition;
    let state = this.#states.get(p);
    while (state === undefined) {
      await this.#load();
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
      if (low > state.position) this.#skipDeleted(p, state, low);
      if (batch.fetchOffset !== state.position) {
        this.#d.seek(p, state.position);
        state.seekSince = Date.now();
        return;
      }
    }
    if (batch.nextOffset <= state.position) return;
    // records below the position (the start of the batch that holds it) landed before
    const encoded = encodeFetched(state.stream, batch.recordBatches, state.position, batch.abortedTransactions);
    if (encoded.next !== batch.nextOffset) throw new TurnoverError('INTERNAL', `partition ${p}: the batches end at ${encoded.next}, the fetch said ${batch.nextOffset}`);
    state.position = encoded.next;
    state.seekSince = undefined;
    // a chunk also when nothing lands (transaction markers, aborted records): PostgreSQL's offset moves past them
    const chunk = {
      incarnation: state.stream.incarnation,
      partition: p,
      generation: this.#d.writer.generation,
      expected: state.landedNext,
      next: encoded.next,
      rows: encoded.rows,
      valueBytes: encoded.valueBytes,
      bytes: encoded.bytes,
      rowStarts: encoded.rowStarts,
      rejects: encoded.rejects,
    };
    state.landedNext = encoded.next;
    this.#d.metrics.highWatermark(p, batch.highWatermark);
    await this.#d.writer.enqueue(chunk);
  }

  /**
   * Retention deleted records of the partition before they landed: the only
   * loss possible, and not one the ingester can prevent. Logged with the lost
   * offsets and counted; the partition goes on at the first offset Kafka has
   * (its offset row then moves past the gap with the next transaction).
   * Whatever --on-offset-reset says: stopping would not bring the records
   * back, and while nothing lands retention deletes more.
   */
  #skipDeleted(p: number, state: PartitionState, low: number): void {
    reportRetentionGap(this.#d, { partition: p, from: state.position, to: low });
    state.position = low;
  }

  /**
   * Loads every assigned partition's start from PostgreSQL and seeks the
   * consumer there; again when the assignment changed while it read.
   */
  #load(): Promise<void> {
    this.#loading ??= (async () => {
      for (;;) {
        const epoch = this.#epoch;
        await this.#loadOnce();
        if (epoch === this.#epoch || this.#closing) return;
      }
    })().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #loadOnce(): Promise<void> {
    const epoch = this.#epoch;
    // What we queued before must be in PostgreSQL (or dropped) before we read it.
    await this.#d.writer.drain();
    const backoff = new Backoff(transactionPolicy);
    for (;;) {
      try {
        const starts = await resolveStartOffsets(this.#d, this.#assigned);
        if (epoch !== this.#epoch) return;
        const { incarnation } = starts;
        for (const [p, { stored, low }] of starts.partitions) {
          const state: PartitionState = { stream: { topic: this.#topic, incarnation, partition: p }, landedNext: stored, position: stored ?? low, seekSince: undefined };
          if (state.position < low) this.#skipDeleted(p, state, low);
          this.#states.set(p, state);
          if (stored !== null) this.committed.set(p, stored);
          else this.committed.delete(p);
          this.#d.seek(p, state.position);
        }
        this.#d.logger.info(
          { incarnation, partitions: Object.fromEntries([...starts.partitions].map(([p, s]) => [p, s.stored ?? `earliest (${s.low})`])) },
          `starting from PostgreSQL offsets (incarnation ${incarnation})`,
        );
        return;
      } catch (error) {
        if (!isRetriable(error)) throw error;
        const delay = backoff.next();
        this.#d.metrics.error('offsets_unavailable');
        this.#d.logger.warn({ err: (error as Error).message, retryInMs: delay }, 'cannot read start offsets; retrying');
        await sleep(delay);
        if (epoch !== this.#epoch || this.#closing) return;
      }
    }
  }
}

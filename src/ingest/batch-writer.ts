import { setTimeout as sleep } from 'node:timers/promises';
import { OffsetMismatchError } from '../errors.js';
import type { PartitionAdvance, RejectSummary } from '../landing/index.js';
import type { Logger } from '../log/logger.js';
import { retry, transactionPolicy } from '../retry/index.js';
import type { LandingPort } from './landing-thread.js';
import type { EncodedChunk, WriterLimits } from './types.js';

export interface WriterEvents {
  /** A transaction committed: PostgreSQL now holds `next` for these partitions; `rejects` went to raw.landing_rejects. */
  committed(advances: readonly PartitionAdvance[], rows: number, bytes: number, rejects: readonly RejectSummary[]): void;
  /**
   * Another process moved an offset of one of these partitions first: everything queued was
   * dropped. `afterRetry`: the transaction had failed on an unreachable server before, so it may
   * have been its own commit, unconfirmed, that moved the offset (told apart in the log, for the
   * chaos run's count of conflicts by cause).
   */
  conflict(partitions: readonly number[], afterRetry: boolean): void;
  /** PostgreSQL was unreachable (or another transaction got in the way); the transaction is retried after `retryInMs`. */
  unavailable(error: unknown, retryInMs: number): void;
  /** A primary key the fence should have kept free was hit: the run stops with this error. */
  offsetMismatch(error: OffsetMismatchError): void;
}

/**
 * Lands queued chunks in transactions of up to `maxRows` rows, one at a time
 * on one connection, while the consumer keeps fetching: the queue is bounded
 * in bytes, and `enqueue` waits when it is full (back-pressure into the
 * fetch loop). A transaction that fails with a retriable error (PostgreSQL
 * away) is retried unchanged with transactionPolicy until it lands or the
 * writer is stopped; the fence in LandingStore.land makes a retry of a
 * transaction that did commit harmless.
 */
export class BatchWriter {
  readonly #store: LandingPort;
  readonly #limits: WriterLimits;
  readonly #events: WriterEvents;
  readonly #logger: Logger;
  readonly #queue: EncodedChunk[] = [];
  #queuedBytes = 0;
  #generation = 0;
  #busy = false;
  #fatal: Error | undefined;
  #wake: (() => void) | undefined;
  readonly #spaceWaiters: (() => void)[] = [];
  readonly #idleWaiters: (() => void)[] = [];
  #stopping = false;
  /** Aborted when stop() timed out: the transaction being retried is given up (rolled back). */
  readonly #abandon = new AbortController();
  #loop: Promise<void> | undefined;

  constructor(store: LandingPort, limits: WriterLimits, events: WriterEvents, logger: Logger) {
    this.#store = store;
    this.#limits = limits;
    this.#events = events;
    this.#logger = logger;
  }

  /** Chunks built before the last conflict carry an older generation and are dropped. */
  get generation(): number {
    return this.#generation;
  }

  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  start(onFatal: (error: Error) => void): void {
    this.#loop = this.#run().catch((error: unknown) => {
      this.#fatal = error as Error;
      this.#releaseAll();
      onFatal(error as Error);
    });
  }

  /** Resolves once the chunk is queued; waits while the queue is full (the group membership has its own heartbeats). */
  async enqueue(chunk: EncodedChunk): Promise<void> {
    while (this.#queuedBytes > 0 && this.#queuedBytes + chunk.bytes.length > this.#limits.maxQueuedBytes) {
      if (this.#fatal || this.#stopping) return;
      await Promise.race([new Promise<void>((resolve) => this.#spaceWaiters.push(resolve)), sleep(1_000)]);
    }
    if (chunk.generation !== this.#generation || this.#fatal) return;
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.bytes.length;
    this.#wake?.();
  }

  /** Resolves when everything queued so far has been committed or dropped. */
  drain(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Lands what is queued, then ends the loop; gives up (rolls back) after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    const timer = sleep(timeoutMs).then(() => 'timeout' as const);
    const result = await Promise.race([this.#loop?.then(() => 'done' as const), timer]);
    if (result === 'timeout') {
      this.#logger.warn({ queuedBytes: this.#queuedBytes }, 'PostgreSQL did not take the last batches in time; they are rolled back and will be fetched again');
      this.#abandon.abort();
      this.#dropQueue();
    }
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && !this.#busy;
  }

  async #run(): Promise<void> {
    for (;;) {
      if (this.#queue.length === 0) {
        this.#releaseIdle();
        if (this.#stopping) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = undefined;
        continue;
      }
      this.#busy = true;
      try {
        await this.#landNext();
      } finally {
        this.#busy = false;
      }
    }
  }

  async #landNext(): Promise<void> {
    const taken = this.#take();
    const incarnation = taken[0]!.incarnation;
    const advances = chainAdvances(taken);
    const chunks = taken.map((c) => ({ bytes: c.bytes, rowStarts: c.rowStarts }));
    const rejects = taken.flatMap((c) => c.rejects);
    const rows = taken.reduce((n, c) => n + c.rows, 0);
    const bytes = taken.reduce((n, c) => n + c.valueBytes, 0);
    const signal = this.#abandon.signal;
    let attempts = 0;
    const landOnce = async (): Promise<void> => {
      const generation = this.#generation;
      attempts += 1;
      try {
        const result = advances ? await this.#store.land({ incarnation, advances, chunks, rejects }) : { outcome: 'conflict' as const };
        if (result.outcome === 'committed') {
          // rows PostgreSQL refused were quarantined instead of landed
          const refused = result.rejects.filter((r) => r.sqlstate !== null).length;
          this.#events.committed(advances!, rows - refused, bytes, result.rejects);
        } else if (generation === this.#generation) {
          this.#generation += 1;
          this.#dropQueue();
          this.#events.conflict([...new Set(taken.map((c) => c.partition))], attempts > 1);
        }
      } catch (error) {
        if (error instanceof OffsetMismatchError) this.#events.offsetMismatch(error);
        throw error;
      }
    };
    await retry(transactionPolicy, landOnce, { signal, onRetry: ({ error, delayMs }) => this.#events.unavailable(error, delayMs) }).catch((error: unknown) => {
      if (!signal.aborted) throw error;
    });
  }

  /** Takes whole chunks of one incarnation, oldest first, up to the row limit (at least one chunk). */
  #take(): EncodedChunk[] {
    const taken: EncodedChunk[] = [];
    let rows = 0;
    let size = 0;
    while (this.#queue.length > 0) {
      const next = this.#queue[0]!;
      if (taken.length > 0 && (next.incarnation !== taken[0]!.incarnation || rows + next.rows > this.#limits.maxRows || size + next.bytes.length > this.#limits.maxTransactionBytes)) break;
      this.#queue.shift();
      taken.push(next);
      rows += next.rows;
      size += next.bytes.length;
      this.#queuedBytes -= next.bytes.length;
    }
    this.#releaseSpace();
    return taken;
  }

  #dropQueue(): void {
    this.#queue.length = 0;
    this.#queuedBytes = 0;
    this.#releaseSpace();
  }

  #releaseSpace(): void {
    for (const resolve of this.#spaceWaiters.splice(0)) resolve();
  }

  #releaseIdle(): void {
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #releaseAll(): void {
    this.#releaseSpace();
    this.#releaseIdle();
  }
}

/**
 * One advance per partition: from the first chunk's expected offset to the
 * last chunk's next. Chunks of a partition are queued in offset order, each
 * expecting where the previous one ends; a break in that chain (impossible
 * unless a bug) is treated like a conflict (undefined), never landed.
 */
export function chainAdvances(chunks: readonly EncodedChunk[]): PartitionAdvance[] | undefined {
  const byPartition = new Map<number, { expected: number | null; next: number }>();
  for (const c of chunks) {
    const seen = byPartition.get(c.partition);
    if (!seen) {
      byPartition.set(c.partition, { expected: c.expected, next: c.next });
    } else {
      if (c.expected !== seen.next) return undefined;
      seen.next = c.next;
    }
  }
  return [...byPartition].map(([partition, a]) => ({ partition, expected: a.expected, next: a.next }));
}

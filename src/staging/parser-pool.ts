import { Worker } from 'node:worker_threads';
import { TurnoverError } from '../errors.js';
import { PausePoint, type PauseAt } from '../test-hooks/pause-point.js';
import type { CopyEncoding } from '../warehouse/index.js';
import type { LandedChunk } from '../landing/index.js';
import type { BulkRows, ChunkParser, StagedChunk, TransactionWrites } from './staged-chunk.js';
import type { BufferPool } from './buffer-pool.js';
import type { CurrencyRow, RejectRow, TransactionRow } from './types.js';

/** What the main thread asks a parse worker (parse-worker.ts). */
export type WorkerRequest =
  | {
      readonly id: number;
      readonly op: 'parse';
      readonly chunkId: number;
      readonly chunk: LandedChunk;
      readonly loseOneRecord: boolean;
      /** Test-only: stop in the worker with this chunk (test-hooks/pause-point.ts). */
      readonly pauseAt?: PauseAt;
    }
  | { readonly id: number; readonly op: 'keys'; readonly chunkId: number }
  | { readonly id: number; readonly op: 'plan'; readonly chunkId: number; readonly stored: { readonly rows: readonly TransactionRow[] } | { readonly encoded: Uint8Array } }
  /** Done with the chunk: the worker may drop it; `buffers` are its encoded plans' buffers, handed back for reuse. */
  | { readonly id: number; readonly op: 'release'; readonly chunkId: number; readonly buffers: readonly Uint8Array[] };

/** A parsed chunk's summary, its rows of few kinds, and the fresh plan of its transactions. */
export interface ParseReply {
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly read: number;
  readonly currencies: readonly CurrencyRow[];
  readonly rejects: readonly RejectRow[];
  readonly transactionVersions: number;
  readonly fresh: TransactionWrites;
  /** The landed bytes, handed back for the next landing read. */
  readonly landed: Uint8Array;
}

export type WorkerReply = { readonly id: number; readonly result: unknown } | { readonly id: number; readonly error: string };

/** The buffer of a view, to hand over instead of copying; never one of Node's shared pool slabs. */
export function transferable(view: Uint8Array | undefined): ArrayBuffer[] {
  if (!view || !(view.buffer instanceof ArrayBuffer) || view.buffer.byteLength <= Buffer.poolSize) return [];
  return [view.buffer];
}

/** Buffers a plan carries, handed over rather than copied. */
export function planTransfers(plan: TransactionWrites | BulkRows): ArrayBuffer[] {
  if ('writes' in plan) return [...planTransfers(plan.writes), ...planTransfers(plan.replaced)];
  return 'encoded' in plan ? transferable(plan.encoded) : [];
}

class ParseWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #ids = 0;
  #failure: Error | undefined;

  constructor(encoding: CopyEncoding) {
    this.#worker = new Worker(new URL('./parse-worker.js', import.meta.url), { workerData: { encoding } });
    this.#worker.on('message', (reply: WorkerReply) => {
      const pending = this.#pending.get(reply.id);
      if (!pending) return;
      this.#pending.delete(reply.id);
      if ('error' in reply) pending.reject(new TurnoverError('INTERNAL', `the STG parse worker failed: ${reply.error}`));
      else pending.resolve(reply.result);
    });
    const fail = (error: Error): void => {
      this.#failure ??= error;
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', (error) => fail(new TurnoverError('INTERNAL', `the STG parse worker crashed: ${error.message}`, { cause: error })));
    this.#worker.on('exit', (code) => fail(new TurnoverError('INTERNAL', `the STG parse worker exited (code ${code})`)));
  }

  request<T>(message: Record<string, unknown> & { op: WorkerRequest['op'] }, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = ++this.#ids;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ ...message, id }, transfer);
    });
  }

  post(message: Record<string, unknown> & { op: WorkerRequest['op'] }, transfer: ArrayBuffer[] = []): void {
    if (!this.#failure) this.#worker.postMessage({ ...message, id: 0 }, transfer);
  }

  async close(): Promise<void> {
    this.#failure ??= new TurnoverError('INTERNAL', 'the STG parse worker was closed');
    await this.#worker.terminate();
  }
}

/**
 * Parse workers: contract parsing, the dedup fold and the COPY encoding of
 * a chunk run off the main thread, which meanwhile streams the previous
 * chunk into the warehouse and the next one out of the landing zone. A
 * chunk's transaction versions stay in the worker that parsed it until the
 * chunk is released; the writer only receives encoded plans.
 */
export class ParserPool implements ChunkParser {
  readonly #workers: ParseWorker[];
  #turn = 0;
  #chunkIds = 0;

  /**
   * @param buffers the landing reader's pool: parsed chunks' buffers go back there
   * @param pause test-only: counts parses, and the worker stops at the configured one
   */
  constructor(
    size: number,
    encoding: CopyEncoding,
    private readonly buffers: BufferPool,
    private readonly pause: PausePoint = new PausePoint(undefined),
  ) {
    this.#workers = Array.from({ length: Math.max(1, size) }, () => new ParseWorker(encoding));
  }

  async parse(chunk: LandedChunk, options: { readonly loseOneRecord: boolean }): Promise<StagedChunk> {
    const worker = this.#workers[this.#turn++ % this.#workers.length]!;
    const chunkId = ++this.#chunkIds;
    const pauseAt = this.pause.arrives('stg-parse');
    const pauseHere = pauseAt ? { pauseAt } : {};
    const reply = await worker.request<ParseReply>({ op: 'parse', chunkId, chunk, loseOneRecord: options.loseOneRecord, ...pauseHere }, transferable(chunk.data));
    this.buffers.give(reply.landed);
    // every encoded plan of the chunk goes back to the worker on release, when the writer is done with it
    const handedOut: (TransactionWrites | BulkRows)[] = [reply.fresh];
    const track = <T extends TransactionWrites | BulkRows>(plan: T): T => {
      handedOut.push(plan);
      return plan;
    };
    let released = false;
    return {
      topic: chunk.topic,
      incarnation: chunk.incarnation,
      partition: chunk.partition,
      firstOffset: reply.firstOffset,
      lastOffset: reply.lastOffset,
      read: reply.read,
      currencies: reply.currencies,
      rejects: reply.rejects,
      transactionVersions: reply.transactionVersions,
      fresh: async () => reply.fresh,
      keys: async () => track(await worker.request<BulkRows>({ op: 'keys', chunkId })),
      storedAs: 'encoded',
      planWith: async (stored) => {
        const message = 'rows' in stored ? { rows: [...stored.rows.values()] } : { encoded: stored.encoded };
        return track(await worker.request<TransactionWrites>({ op: 'plan', chunkId, stored: message }, 'encoded' in message ? transferable(message.encoded) : []));
      },
      release: () => {
        if (released) return;
        released = true;
        const transfer = [...new Set(handedOut.flatMap(planTransfers))];
        worker.post({ op: 'release', chunkId, buffers: transfer.map((b) => new Uint8Array(b)) }, transfer);
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()));
  }
}

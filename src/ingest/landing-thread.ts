import { Worker } from 'node:worker_threads';
import { ConfigError, OffsetMismatchError, TurnoverError, UnavailableError, type ErrorCode } from '../errors.js';
import type { LandingOutcome, LandingReject, LandingStore, LandingTransaction, OpenedIncarnation, PartitionAdvance, TopicIncarnation } from '../landing/index.js';

export interface LandingWorkerData {
  readonly url: string;
  readonly group: string;
  readonly topic: string;
  /** PostgreSQL ends the landing session when it sits this long inside a transaction (see LandingStore). */
  readonly idleInTransactionTimeoutMs?: number;
}

export type LandingRequest =
  | { readonly id: number; readonly op: 'connect' | 'close' }
  | { readonly id: number; readonly op: 'readOffsets'; readonly partitions: readonly number[]; readonly incarnation: number }
  | { readonly id: number; readonly op: 'incarnation'; readonly topicId: string | null }
  | { readonly id: number; readonly op: 'recordTopicId'; readonly incarnation: number | null; readonly topicId: string | null }
  | { readonly id: number; readonly op: 'openIncarnation'; readonly open: OpenedIncarnation }
  | {
      readonly id: number;
      readonly op: 'land';
      readonly incarnation: number;
      readonly advances: readonly PartitionAdvance[];
      readonly chunks: readonly { readonly bytes: Uint8Array; readonly rowStarts: Uint32Array }[];
      readonly rejects: readonly LandingReject[];
    };

export type LandingResponse =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: ThreadError };

/** An error as it crosses the thread boundary: its stable code, message and retry flag. */
export interface ThreadError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly retriable: boolean;
}

/** The LandingStore calls the ingester makes (the main thread's view of it). */
export type LandingPort = Pick<LandingStore, 'connect' | 'readOffsets' | 'incarnation' | 'recordTopicId' | 'openIncarnation' | 'land' | 'close'>;

/**
 * LandingStore on its own thread. The main thread decodes Kafka fetches in
 * long synchronous stretches; with the PostgreSQL socket on the same event
 * loop, COPY data and replies waited for them and PostgreSQL sat idle (the
 * profile showed both processes half idle). Here the landing connection is
 * served continuously; encoded rows are copied over (a memcpy per batch).
 */
export class ThreadedLandingStore implements LandingPort {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #next = 0;
  #dead: Error | undefined;

  constructor(data: LandingWorkerData) {
    // The thread holds one transaction's rows at a time: a small heap keeps the process within its memory budget.
    this.#worker = new Worker(new URL('./landing-worker.js', import.meta.url), {
      workerData: data,
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 },
    });
    this.#worker.on('message', (response: LandingResponse) => {
      const waiting = this.#pending.get(response.id);
      this.#pending.delete(response.id);
      if (!waiting) return;
      if ('error' in response) waiting.reject(toError(response.error));
      else waiting.resolve(response.result);
    });
    const die = (error: Error) => {
      this.#dead = new TurnoverError('INTERNAL', `the landing thread died: ${error.message}`, { cause: error });
      for (const waiting of this.#pending.values()) waiting.reject(this.#dead);
      this.#pending.clear();
    };
    this.#worker.on('error', die);
    this.#worker.on('exit', (code) => die(new Error(`exit ${code}`)));
  }

  connect(): Promise<void> {
    return this.#call({ id: 0, op: 'connect' }) as Promise<void>;
  }

  readOffsets(partitions: readonly number[], incarnation: number): Promise<Map<number, number | null>> {
    return this.#call({ id: 0, op: 'readOffsets', partitions: [...partitions], incarnation }) as Promise<Map<number, number | null>>;
  }

  incarnation(topicId: string | null): Promise<TopicIncarnation | null> {
    return this.#call({ id: 0, op: 'incarnation', topicId }) as Promise<TopicIncarnation | null>;
  }

  recordTopicId(incarnation: number | null, topicId: string | null): Promise<void> {
    return this.#call({ id: 0, op: 'recordTopicId', incarnation, topicId }) as Promise<void>;
  }

  openIncarnation(open: OpenedIncarnation): Promise<boolean> {
    return this.#call({ id: 0, op: 'openIncarnation', open }) as Promise<boolean>;
  }

  land(tx: LandingTransaction): Promise<LandingOutcome> {
    // Copied, not transferred: a transaction PostgreSQL could not take is sent again.
    return this.#call({ id: 0, op: 'land', incarnation: tx.incarnation, advances: tx.advances, chunks: tx.chunks, rejects: tx.rejects }) as Promise<LandingOutcome>;
  }

  async close(): Promise<void> {
    if (!this.#dead) await this.#call({ id: 0, op: 'close' }).catch(() => undefined);
    await this.#worker.terminate();
  }

  #call(request: LandingRequest): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id });
    });
  }
}

/** The thread's error, rebuilt with its stable code and retry flag (so the exit status and the retry decision are the ones the thread meant). */
function toError(error: ThreadError): Error {
  if (error.code === 'CONFIG') return new ConfigError(error.message);
  if (error.code === 'UNAVAILABLE') return new UnavailableError(error.message);
  if (error.code === 'OFFSET_MISMATCH') return new OffsetMismatchError(error.message);
  return new TurnoverError(error.code, error.message, { retriable: error.retriable });
}

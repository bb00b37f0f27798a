import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_HEADER, COPY_TRAILER } from '../db/copy-binary/index.js';
import { redact } from '../db/postgres-url.js';
import { classifySqlError, sqlStateOf } from '../db/sqlstate.js';
import { ConfigError, OffsetMismatchError, TurnoverError, UnavailableError } from '../errors.js';
import { LANDING_COLUMNS } from './fetched-rows.js';
import { currentIncarnation, openIncarnation, recordTopicId, type OpenedIncarnation } from './incarnation-store.js';
import type { LandingConnection } from './landing-client.js';
import { landingSql } from './landing-sql.js';
import { encodeRejects, REJECT_COLUMNS, rowReject, type KeepLevel, type LandingReject } from './rejects.js';
import type { TopicIncarnation } from './types.js';

/** What one landing transaction does for one partition: land rows and move its next offset. */
export interface PartitionAdvance {
  readonly partition: number;
  /** The next offset PostgreSQL must hold now; null = no row yet. */
  readonly expected: number | null;
  /** The next offset after the records of this transaction. */
  readonly next: number;
}

/** COPY BINARY rows of raw.kafka_messages (see fetched-rows.ts) and where each row starts. */
export interface LandingChunk {
  readonly bytes: Buffer;
  /** rows + 1 entries: row i is bytes[rowStarts[i], rowStarts[i + 1]). */
  readonly rowStarts: Uint32Array;
}

export interface LandingTransaction {
  /** The topic's incarnation all of it belongs to (the rows carry it too). */
  readonly incarnation: number;
  readonly advances: readonly PartitionAdvance[];
  readonly chunks: readonly LandingChunk[];
  /** Batches the reader could not read, quarantined in the same transaction. */
  readonly rejects: readonly LandingReject[];
}

/** A record that went to raw.landing_rejects, for the log and the metrics. */
export interface RejectSummary {
  readonly partition: number;
  readonly offset: number;
  readonly reason: string;
  readonly sqlstate: string | null;
  readonly detail: string;
}

export type LandingOutcome = { readonly outcome: 'committed'; readonly rejects: readonly RejectSummary[] } | { readonly outcome: 'conflict' };

const COPY_ROWS_SQL = `copy raw.kafka_messages (${LANDING_COLUMNS.join(', ')}) from stdin with (format binary)`;
const COPY_REJECTS_SQL = `copy raw.landing_rejects (${REJECT_COLUMNS.join(', ')}) from stdin with (format binary)`;
const KEEP_LEVELS: readonly KeepLevel[] = ['all', 'no_value', 'coordinates'];
/** The primary keys that the offset fence alone must keep from ever being hit. */
const FENCED_KEYS = new Set(['kafka_messages_pkey', 'landing_rejects_pkey']);

export interface LandingStoreOptions {
  /**
   * PostgreSQL ends this connection when it sits longer than this inside a
   * transaction (`idle_in_transaction_session_timeout`). A landing
   * transaction takes its partitions' offset rows' locks first: a writer
   * frozen mid-transaction (SIGSTOP, a VM paused) would hold them, and the
   * member the group gave its partitions to would wait on it for as long as it
   * sleeps. With the group's session timeout here, PostgreSQL lets the frozen
   * writer go when Kafka does; on waking, its commit fails on the closed
   * connection, the retry meets the fence and is refused. A healthy writer is
   * idle inside a transaction only between two statements, milliseconds.
   */
  readonly idleInTransactionTimeoutMs?: number;
}

/**
 * The landing zone's write path: one PostgreSQL connection that lands rows,
 * quarantines what PostgreSQL refuses, and moves the consumer offsets that
 * cover both, in one transaction.
 */
export class LandingStore {
  readonly #url: string;
  readonly #group: string;
  readonly #topic: string;
  readonly #options: LandingStoreOptions;
  #client: pg.Client | undefined;

  constructor(url: string, group: string, topic: string, options: LandingStoreOptions = {}) {
    this.#url = url;
    this.#group = group;
    this.#topic = topic;
    this.#options = options;
  }

  /** Connects (or reconnects) and checks the schema; throws ConfigError or UnavailableError. */
  async connect(): Promise<void> {
    if (this.#client) return;
    const client = new pg.Client({ connectionString: this.#url, application_name: 'turnover-ingest', keepAlive: true, connectionTimeoutMillis: 10_000 });
    // A server restart kills the connection between queries: note it, the next call reconnects.
    client.on('error', () => {
      if (this.#client === client) this.#client = undefined;
    });
    try {
      await client.connect();
      const { rows } = await client.query<{ ok: boolean }>(
        "select to_regclass('raw.kafka_messages') is not null and to_regclass('raw.consumer_offsets') is not null and to_regclass('raw.landing_rejects') is not null and to_regclass('raw.topic_incarnations') is not null as ok",
      );
      if (!rows[0]?.ok) throw new ConfigError(`the landing schema is missing or old in ${redact(this.#url)}: run \`turnover migrate --only landing\``);
      const idle = this.#options.idleInTransactionTimeoutMs;
      if (idle !== undefined) await client.query(landingSql('ingest_session_idle_timeout'), [String(Math.round(idle))]);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw landingError(error, this.#url);
    }
    this.#client = client;
  }

  /** Where these partitions continue in an incarnation (sql/landing/read_offsets.sql); null = no row and nothing landed. */
  async readOffsets(partitions: readonly number[], incarnation: number): Promise<Map<number, number | null>> {
    const client = await this.#ready();
    try {
      const { rows } = await client.query<{ partition: number; next_offset: string | null }>(landingSql('read_offsets'), [this.#group, this.#topic, incarnation, partitions]);
      const found = new Map(rows.map((r) => [r.partition, r.next_offset === null ? null : Number(r.next_offset)]));
      return new Map(partitions.map((p) => [p, found.get(p) ?? null]));
    } catch (error) {
      throw this.#fail(error);
    }
  }

  /** The topic's current incarnation (incarnation-store.ts); null when the landing has never seen the topic. */
  async incarnation(topicId: string | null): Promise<TopicIncarnation | null> {
    const client = await this.#ready();
    return currentIncarnation(client, this.#topic, topicId).catch((error: unknown) => {
      throw this.#fail(error);
    });
  }

  /** Records Kafka's topic id for a topic never seen (incarnation null) or for an incarnation without one. */
  async recordTopicId(incarnation: number | null, topicId: string | null): Promise<void> {
    const client = await this.#ready();
    await recordTopicId(client, this.#topic, this.#group, incarnation, topicId).catch((error: unknown) => {
      throw this.#fail(error);
    });
  }

  /** Opens the next incarnation with this group's starting offsets; false when another ingester opened it first. */
  async openIncarnation(open: OpenedIncarnation): Promise<boolean> {
    const client = await this.#ready();
    return openIncarnation(client, this.#topic, this.#group, open).catch((error: unknown) => {
      throw this.#fail(error);
    });
  }

  /**
   * THE exactly-once step. Rows, rejects and offsets commit together or not at all:
   *  1. the fenced advance (sql/landing/advance_offsets.sql) moves each
   *     partition's next offset only from the value this writer expected. It
   *     runs first, so it also takes the offset rows' locks: a second process
   *     writing the same partition waits for our commit, then finds the value
   *     moved and gets zero rows. Zero rows for any partition = someone else
   *     landed it first: roll back and report a conflict (the caller re-reads
   *     PostgreSQL's offsets and seeks there).
   *  2. the rows go in with COPY BINARY, then the batches the reader could
   *     not read go to raw.landing_rejects. If PostgreSQL refuses data (SQLSTATE
   *     class 22, 54 or 23), the transaction is redone row range by row range
   *     under savepoints (bisection) until the refused rows are isolated; each
   *     goes to raw.landing_rejects instead, in this same transaction.
   *  3. commit. If the connection dies during commit we cannot know whether
   *     it committed; the caller retries the same transaction and step 1 tells
   *     (it committed ⇒ the offsets moved ⇒ conflict ⇒ re-read).
   * The primary keys are NOT a second fence: a key already there means the
   * fence was bypassed (two groups landing one topic, offsets moved back by hand, a
   * bug); that stops the ingester (OffsetMismatchError) instead of being
   * absorbed as a conflict.
   */
  async land(tx: LandingTransaction): Promise<LandingOutcome> {
    const client = await this.#ready();
    try {
      return await this.#transaction(client, tx, false);
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      const kind = classifySqlError(error);
      if (!(error instanceof TurnoverError) && kind === 'data' && !isFencedKeyHit(error)) {
        try {
          return await this.#transaction(client, tx, true);
        } catch (careful) {
          await client.query('rollback').catch(() => undefined);
          throw this.#fail(careful, 'could not isolate the refused rows');
        }
      }
      if (kind === 'conflict') return { outcome: 'conflict' };
      throw this.#fail(error);
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** One try of the landing transaction; `isolate` lands row ranges under savepoints and quarantines refused rows. */
  async #transaction(client: LandingConnection, tx: LandingTransaction, isolate: boolean): Promise<LandingOutcome> {
    await client.query('begin');
    const { rows } = await client.query<{ partition: number }>(landingSql('advance_offsets'), [
      this.#group,
      this.#topic,
      tx.incarnation,
      tx.advances.map((a) => a.partition),
      tx.advances.map((a) => a.expected),
      tx.advances.map((a) => a.next),
    ]);
    if (rows.length !== tx.advances.length) {
      await client.query('rollback');
      return { outcome: 'conflict' };
    }
    const rejected: LandingReject[] = [];
    if (!isolate) {
      await copy(client, COPY_ROWS_SQL, tx.chunks.map((c) => c.bytes));
      if (tx.rejects.length > 0) await copy(client, COPY_REJECTS_SQL, [encodeRejects(this.#topic, tx.incarnation, tx.rejects)]);
    } else {
      // deferred constraints and triggers fire per statement here, so a refusal points at its rows
      await client.query('set constraints all immediate');
      for (const chunk of tx.chunks) await this.#landRange(client, tx.incarnation, chunk, 0, chunk.rowStarts.length - 1, rejected);
      for (const reject of tx.rejects) await this.#quarantine(client, tx.incarnation, reject);
    }
    await client.query('commit');
    return { outcome: 'committed', rejects: [...tx.rejects, ...rejected].map(({ partition, offset, reason, sqlstate, detail }) => ({ partition, offset, reason, sqlstate, detail })) };
  }

  /** Lands rows [from, to) of a chunk, halving the range around what PostgreSQL refuses. */
  async #landRange(client: LandingConnection, incarnation: number, chunk: LandingChunk, from: number, to: number, rejected: LandingReject[]): Promise<void> {
    if (from >= to) return;
    const bytes = chunk.bytes.subarray(chunk.rowStarts[from], chunk.rowStarts[to]);
    await client.query('savepoint landing_rows');
    try {
      await copy(client, COPY_ROWS_SQL, [bytes]);
      await client.query('release savepoint landing_rows');
      return;
    } catch (error) {
      if (classifySqlError(error) !== 'data' || isFencedKeyHit(error)) throw error;
      await client.query('rollback to savepoint landing_rows');
      await client.query('release savepoint landing_rows');
      if (to - from === 1) {
        const reject = rowReject(bytes, sqlStateOf(error)!, (error as Error).message);
        await this.#quarantine(client, incarnation, reject);
        rejected.push(reject);
        return;
      }
    }
    const middle = from + Math.floor((to - from) / 2);
    await this.#landRange(client, incarnation, chunk, from, middle, rejected);
    await this.#landRange(client, incarnation, chunk, middle, to, rejected);
  }

  /** Writes one reject, keeping as many of its bytes as PostgreSQL accepts. */
  async #quarantine(client: LandingConnection, incarnation: number, reject: LandingReject): Promise<void> {
    let last: unknown;
    for (const keep of KEEP_LEVELS) {
      await client.query('savepoint landing_reject');
      try {
        await copy(client, COPY_REJECTS_SQL, [encodeRejects(this.#topic, incarnation, [reject], keep)]);
        await client.query('release savepoint landing_reject');
        return;
      } catch (error) {
        if (classifySqlError(error) !== 'data' || isFencedKeyHit(error)) throw error;
        last = error;
        await client.query('rollback to savepoint landing_reject');
        await client.query('release savepoint landing_reject');
      }
    }
    throw new TurnoverError('INTERNAL', `PostgreSQL refused even the coordinates of partition ${reject.partition} offset ${reject.offset} in raw.landing_rejects: ${(last as Error).message}`);
  }

  async #ready(): Promise<pg.Client> {
    if (!this.#client) await this.connect();
    return this.#client!;
  }

  /** After a failure the connection's state is unknown: drop it, and classify the error. */
  #fail(error: unknown, context?: string): Error {
    const client = this.#client;
    this.#client = undefined;
    void client?.end().catch(() => undefined);
    return landingError(error, this.#url, context);
  }
}

function copy(client: LandingConnection, sql: string, chunks: readonly Buffer[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // A COPY stream whose connection dies (server restart) emits neither 'finish'
    // nor 'error'; the connection's own events end the wait instead.
    const lost = (error?: Error) => settle(error ?? new Error('connection to PostgreSQL ended during COPY'));
    const settle = (error?: Error) => {
      client.off('end', lost);
      client.off('error', lost);
      if (error) reject(error);
      else resolve();
    };
    client.once('end', lost);
    client.once('error', lost);
    const stream = client.query(copyFrom(sql));
    stream.on('error', (error) => settle(error));
    stream.on('finish', () => settle());
    stream.write(COPY_HEADER);
    for (const chunk of chunks) stream.write(chunk);
    stream.end(COPY_TRAILER);
  });
}

function isFencedKeyHit(error: unknown): boolean {
  return sqlStateOf(error) === '23505' && FENCED_KEYS.has(String((error as { constraint?: unknown }).constraint));
}

/**
 * PostgreSQL errors of the landing as ours, by SQLSTATE class (src/db/sqlstate.ts):
 * configuration → ConfigError (exit 3), unavailable → UnavailableError (retried
 * with back-off), a fenced primary key hit → OffsetMismatchError (exit 9),
 * anything else → an internal error that stops the ingester (exit 1).
 */
export function landingError(error: unknown, url: string, context?: string): Error {
  if (error instanceof TurnoverError) return error;
  const e = error as { code?: string; message?: string; detail?: string };
  const message = `${e.message ?? String(error)}${e.detail ? ` (${e.detail})` : ''}`;
  if (e.code === 'ENOTFOUND') return new ConfigError(`unknown PostgreSQL host in ${redact(url)}`, error);
  if (isFencedKeyHit(error)) {
    return new OffsetMismatchError(
      `a landed row is already there for an offset the fence said was new: ${message}. Two groups landing one topic, offsets moved back by hand, or a bug; nothing was written (docs/operations.md)`,
    );
  }
  const kind = classifySqlError(error);
  if (kind === 'config') {
    const hint = e.code === '42P01' ? ': run `turnover migrate --only landing`' : '';
    return new ConfigError(`PostgreSQL ${redact(url)}: ${message}${hint}`, error);
  }
  if (kind === 'unavailable') return new UnavailableError(`PostgreSQL ${redact(url)} unavailable: ${message}`, error);
  const state = sqlStateOf(error);
  return new TurnoverError('INTERNAL', `PostgreSQL refused the landing${context ? ` (${context})` : ''}${state ? ` with SQLSTATE ${state}` : ''}: ${message}`, { cause: error });
}

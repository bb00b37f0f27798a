import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { redact } from '../db/postgres-url.js';
import { ConfigError, UnavailableError } from '../errors.js';
import { readSql } from '../warehouse/sql-files.js';
import { COPY_SIGNATURE, COPY_TRAILER, LANDING_COLUMNS } from './copy-binary.js';

/** What one landing transaction does for one partition: land rows and move its next offset. */
export interface PartitionAdvance {
  readonly partition: number;
  /** The next offset PostgreSQL must hold now; null = no row yet. */
  readonly expected: number | null;
  /** The next offset after the rows of this transaction. */
  readonly next: number;
}

export interface LandingTransaction {
  readonly advances: readonly PartitionAdvance[];
  /** COPY BINARY rows (see copy-binary.ts), any number of chunks. */
  readonly chunks: readonly Buffer[];
}

export type LandingOutcome = 'committed' | 'conflict';

const COPY_SQL = `copy raw.kafka_messages (${LANDING_COLUMNS.join(', ')}) from stdin with (format binary)`;

/**
 * The landing zone's write path: one PostgreSQL connection that lands rows and
 * the consumer offsets that cover them.
 */
export class LandingStore {
  readonly #url: string;
  readonly #group: string;
  readonly #topic: string;
  #client: pg.Client | undefined;

  constructor(url: string, group: string, topic: string) {
    this.#url = url;
    this.#group = group;
    this.#topic = topic;
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
      const { rows } = await client.query<{ ok: boolean }>("select to_regclass('raw.kafka_messages') is not null and to_regclass('raw.consumer_offsets') is not null as ok");
      if (!rows[0]?.ok) throw new ConfigError(`the landing schema is missing in ${redact(this.#url)}: run \`turnover migrate --only landing\``);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw classify(error, this.#url);
    }
    this.#client = client;
  }

  /** Where these partitions continue (sql/landing/read_offsets.sql); null = no row and nothing landed. */
  async readOffsets(partitions: readonly number[]): Promise<Map<number, number | null>> {
    const client = await this.#ready();
    try {
      const { rows } = await client.query<{ partition: number; next_offset: string | null }>(readSql('landing', 'read_offsets'), [this.#group, this.#topic, partitions]);
      const found = new Map(rows.map((r) => [r.partition, r.next_offset === null ? null : Number(r.next_offset)]));
      return new Map(partitions.map((p) => [p, found.get(p) ?? null]));
    } catch (error) {
      throw this.#fail(error);
    }
  }

  /**
   * THE exactly-once step. Rows and offsets commit together or not at all:
   *  1. the fenced advance (sql/landing/advance_offsets.sql) moves each
   *     partition's next offset only from the value this writer expected. It
   *     runs first, so it also takes the offset rows' locks: a second process
   *     writing the same partition waits for our commit, then finds the value
   *     moved and gets zero rows. Zero rows for any partition = someone else
   *     landed it first: roll back and report a conflict (the caller re-reads
   *     PostgreSQL's offsets and seeks there).
   *  2. the rows go in with COPY BINARY. The primary key (topic, partition,
   *     offset) is the last guard: a duplicate fails the COPY, which is also a
   *     conflict, never a second row.
   *  3. commit. If the connection dies during commit we cannot know whether
   *     it committed; the caller retries the same transaction and step 1 tells
   *     (it committed ⇒ the offsets moved ⇒ conflict ⇒ re-read).
   */
  async land(tx: LandingTransaction): Promise<LandingOutcome> {
    const client = await this.#ready();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ partition: number }>(readSql('landing', 'advance_offsets'), [
        this.#group,
        this.#topic,
        tx.advances.map((a) => a.partition),
        tx.advances.map((a) => a.expected),
        tx.advances.map((a) => a.next),
      ]);
      if (rows.length !== tx.advances.length) {
        await client.query('rollback');
        return 'conflict';
      }
      await copyRows(client, tx.chunks);
      await client.query('commit');
      return 'committed';
    } catch (error) {
      if (isConflict(error)) {
        await client.query('rollback').catch(() => undefined);
        return 'conflict';
      }
      throw this.#fail(error);
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #ready(): Promise<pg.Client> {
    if (!this.#client) await this.connect();
    return this.#client!;
  }

  /** After a failure the connection's state is unknown: drop it, and classify the error. */
  #fail(error: unknown): Error {
    const client = this.#client;
    this.#client = undefined;
    void client?.end().catch(() => undefined);
    return classify(error, this.#url);
  }
}

function copyRows(client: pg.Client, chunks: readonly Buffer[]): Promise<void> {
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
    const stream = client.query(copyFrom(COPY_SQL));
    stream.on('error', (error) => settle(error));
    stream.on('finish', () => settle());
    stream.write(COPY_SIGNATURE);
    for (const chunk of chunks) stream.write(chunk);
    stream.end(COPY_TRAILER);
  });
}

const CONFLICT_CODES = new Set(['23505', '40P01', '40001']);

function isConflict(error: unknown): boolean {
  return CONFLICT_CODES.has((error as { code?: string })?.code ?? '');
}

// Failures that retrying cannot fix: bad credentials, no such database/role, no privilege, missing tables.
const CONFIG_CODES = new Set(['28P01', '28000', '3D000', '42501', '42P01', '3F000']);

/** PostgreSQL errors as ours: configuration (give up with one line) or unavailable (retry with back-off). */
export function classify(error: unknown, url: string): Error {
  if (error instanceof ConfigError || error instanceof UnavailableError) return error;
  const e = error as { code?: string; message?: string };
  if (e.code === 'ENOTFOUND') return new ConfigError(`unknown PostgreSQL host in ${redact(url)}`, error);
  if (e.code && CONFIG_CODES.has(e.code)) {
    const hint = e.code === '42P01' ? ': run `turnover migrate --only landing`' : '';
    return new ConfigError(`PostgreSQL ${redact(url)}: ${e.message}${hint}`, error);
  }
  return new UnavailableError(`PostgreSQL ${redact(url)} unavailable: ${e.message ?? String(error)}`, error);
}

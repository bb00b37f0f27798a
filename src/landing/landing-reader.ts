import pg from 'pg';
import { ALLOCATED_BUFFERS, CopyOut, type BufferSource } from '../db/copy-binary/index.js';
import { connectionFailure } from '../db/operational-error.js';
import type { Logger } from '../log/logger.js';
import { landedRange } from './landed-copy.js';
import { openLandingPool } from './landing-client.js';
import { landingSql } from './landing-sql.js';

/** One landed partition of one incarnation of a topic: the unit the loader reads, loads and keeps a watermark for. */
export interface LandedPartition {
  readonly topic: string;
  /** The landing's incarnation of the topic (raw.topic_incarnations): offsets restart in a new one. */
  readonly incarnation: number;
  readonly partition: number;
}

/** `topic/partition` in logs and errors, with `#incarnation` after the topic once it was recreated (incarnation 1 on). */
export function partitionName(at: LandedPartition): string {
  return `${at.topic}${at.incarnation === 0 ? '' : `#${at.incarnation}`}/${at.partition}`;
}

/** The loader's key of a landed partition's watermark. */
export function watermarkKey(at: LandedPartition): string {
  return `${at.topic}|${at.incarnation}|${at.partition}`;
}

/** A chunk of landed records as the landing zone sent it: COPY BINARY bytes (see landed-copy.ts). */
export interface LandedChunk extends LandedPartition {
  readonly data: Buffer;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

function unavailable(error: unknown): unknown {
  return connectionFailure(error, 'the landing zone (PostgreSQL)');
}

/**
 * The loader's side of the landing zone (always PostgreSQL). Chunks are read
 * with `COPY (select …) TO STDOUT (FORMAT binary)` on a connection of their
 * own (the chunk's bounds are settings of that session); counts, partition
 * lists and purges go through a small pool, so a count can run while the
 * next chunk streams in.
 */
export class LandingReader {
  readonly #url: string;
  readonly #logger: Logger;
  readonly #pool: pg.Pool;
  #copyClient: Promise<pg.Client> | undefined;
  /** The largest chunk read so far, in bytes: the next read's buffer starts that big. */
  #lastSize = 1 << 20;

  /** @param buffers where the buffers of landed chunks come from (the STG loader's pool: its parse workers hand them back) */
  constructor(
    url: string,
    logger: Logger,
    private readonly buffers: BufferSource = ALLOCATED_BUFFERS,
  ) {
    this.#url = url;
    this.#logger = logger;
    this.#pool = openLandingPool(url, { max: 2, connectionTimeoutMillis: 10_000, logger });
  }

  async partitions(topics: readonly string[] | undefined): Promise<LandedPartition[]> {
    const { rows } = await this.#query<{ topic: string; incarnation: number; partition: number }>({ text: landingSql('stg_landed_partitions') });
    return rows.filter((r) => !topics || topics.includes(r.topic)).map((r) => ({ topic: r.topic, incarnation: r.incarnation, partition: r.partition }));
  }

  /** Up to `limit` landed records of a partition from `fromOffset` on, in offset order; null when there are none. */
  async readChunk(at: LandedPartition, fromOffset: number, limit: number): Promise<LandedChunk | null> {
    try {
      const client = await this.#copyConnection();
      await client.query(landingSql('stg_read_chunk_bounds'), [at.topic, at.incarnation, at.partition, fromOffset, limit]);
      const copy = new CopyOut(landingSql('stg_copy_chunk'), this.buffers, this.#lastSize * 1.05);
      client.query(copy as unknown as pg.QueryConfig);
      const { data } = await copy.result;
      this.#lastSize = Math.max(this.#lastSize, data.length);
      // the rows themselves are counted by the parser and checked against the landing zone's own count (reconciliation)
      const { empty, firstOffset, lastOffset } = landedRange(data);
      return empty ? null : { topic: at.topic, incarnation: at.incarnation, partition: at.partition, data, firstOffset, lastOffset };
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** The landing zone's own count of records in an offset range (the reconciliation's reference). */
  async countRange(at: LandedPartition, firstOffset: number, lastOffset: number): Promise<number> {
    const { rows } = await this.#query<{ landed: string }>({ text: landingSql('stg_count_range'), values: [at.topic, at.incarnation, at.partition, firstOffset, lastOffset] });
    return Number(rows[0]?.landed ?? 0);
  }

  /** Deletes records below `loadedBelow` that landed more than `olderThanDays` ago; returns how many. */
  async purgeLoaded(at: LandedPartition, loadedBelow: number, olderThanDays: number): Promise<number> {
    const result = await this.#query({ text: landingSql('stg_purge_loaded'), values: [at.topic, at.incarnation, at.partition, loadedBelow, olderThanDays] });
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    const copy = this.#copyClient;
    this.#copyClient = undefined;
    if (copy) await copy.then((client) => client.end()).catch(() => undefined);
    await this.#pool.end();
  }

  #copyConnection(): Promise<pg.Client> {
    if (!this.#copyClient) {
      const client = new pg.Client({ connectionString: this.#url, connectionTimeoutMillis: 10_000 });
      client.on('error', (error) => this.#logger.warn({ err: error.message }, 'landing read connection lost'));
      const connecting = client.connect().then(() => client);
      // a failed connect is retried by the next read, not cached
      connecting.catch(() => {
        if (this.#copyClient === connecting) this.#copyClient = undefined;
      });
      this.#copyClient = connecting;
    }
    return this.#copyClient;
  }

  async #query<R>(config: pg.QueryConfig): Promise<pg.QueryResult<R & pg.QueryResultRow>> {
    try {
      return await this.#pool.query(config);
    } catch (error) {
      throw unavailable(error);
    }
  }
}

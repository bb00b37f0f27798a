import pg from 'pg';
import { UnavailableError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { readSql } from '../warehouse/sql-files.js';
import type { LandedRecord } from './types.js';

export interface LandedPartition {
  readonly topic: string;
  readonly partition: number;
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', '57P03']);

/**
 * The loader's side of the landing zone (always PostgreSQL).
 */
export class LandingReader {
  readonly #pool: pg.Pool;

  constructor(url: string, logger: Logger) {
    this.#pool = new pg.Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 10_000 });
    this.#pool.on('error', (error) => logger.warn({ err: error.message }, 'idle landing connection lost'));
  }

  async partitions(topics: readonly string[] | undefined): Promise<LandedPartition[]> {
    const { rows } = await this.#query<{ topic: string; partition: number }>({ text: readSql('landing', 'stg_landed_partitions') });
    return rows.filter((r) => !topics || topics.includes(r.topic)).map((r) => ({ topic: r.topic, partition: r.partition }));
  }

  /** Up to `limit` landed records of a partition from `fromOffset` on, in offset order. */
  async readChunk(at: LandedPartition, fromOffset: number, limit: number): Promise<LandedRecord[]> {
    const { rows } = await this.#query<[string, Buffer | null, Buffer | null, string]>({
      text: readSql('landing', 'stg_read_chunk'),
      values: [at.topic, at.partition, fromOffset, limit],
      rowMode: 'array',
    });
    const records = new Array<LandedRecord>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      // the timestamp as epoch milliseconds: a Date per row without parsing timestamp text
      const [offset, key, value, kafkaTimestampMs] = rows[i]!;
      records[i] = { topic: at.topic, partition: at.partition, offset: Number(offset), key, value, kafkaTimestamp: new Date(Number(kafkaTimestampMs)) };
    }
    return records;
  }

  /** The landing zone's own count of records in an offset range (the reconciliation's reference). */
  async countRange(at: LandedPartition, firstOffset: number, lastOffset: number): Promise<number> {
    const { rows } = await this.#query<{ landed: string }>({ text: readSql('landing', 'stg_count_range'), values: [at.topic, at.partition, firstOffset, lastOffset] });
    return Number(rows[0]?.landed ?? 0);
  }

  /** Deletes records below `loadedBelow` that landed more than `olderThanDays` ago; returns how many. */
  async purgeLoaded(at: LandedPartition, loadedBelow: number, olderThanDays: number): Promise<number> {
    const result = await this.#query({ text: readSql('landing', 'stg_purge_loaded'), values: [at.topic, at.partition, loadedBelow, olderThanDays] });
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #query<R>(config: pg.QueryConfig & { rowMode?: 'array' }): Promise<pg.QueryResult<R & pg.QueryResultRow>> {
    try {
      return await this.#pool.query(config as pg.QueryConfig);
    } catch (error) {
      if (UNAVAILABLE_CODES.has((error as { code?: string }).code ?? '')) throw new UnavailableError('the landing zone (PostgreSQL) is not reachable', error);
      throw error;
    }
  }
}

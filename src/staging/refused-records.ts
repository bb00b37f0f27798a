import { reject } from '../contracts/reject.js';
import { classifySqlError, sqlStateOf } from '../db/sqlstate.js';
import { describeError, TurnoverError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { ChunkBuilder } from './chunk-builder.js';
import type { ChunkWriter } from './chunk-writer.js';
import { LandedCopyCursor, partitionName, type LandedPartition, type LandingReader } from '../landing/index.js';
import type { ChunkParser } from './staged-chunk.js';
import type { ChunkCounts } from './types.js';

/**
 * Rows a bulk load refused and reported as such instead of failing the
 * statement (Vertica's rejected-data capture): a data error like a SQLSTATE
 * of class 22, handled the same way.
 */
export class RowsRefusedError extends TurnoverError {
  constructor(table: string, rows: readonly string[]) {
    super('INTERNAL', `the warehouse refused ${rows.length} rows of ${table}: ${rows.slice(0, 3).join('; ')}`);
    this.name = 'RowsRefusedError';
  }
}

/** True when the warehouse refused a chunk for its data: retrying the same rows fails the same way. */
export function isDataRefusal(error: unknown): boolean {
  if (error instanceof RowsRefusedError) return true;
  return !(error instanceof TurnoverError) && classifySqlError(error) === 'data';
}

/** A chunk the warehouse refused for its data: where it started and how many records it held. */
export interface RefusedChunk {
  readonly at: LandedPartition;
  /** The committed watermark it continued from (null: none yet; it was read from offset 0). */
  readonly expectedNext: number | null;
  readonly records: number;
  readonly error: unknown;
}

/** What isolating a refused chunk did. */
export interface Isolation {
  readonly counts: ChunkCounts[];
  /** Records quarantined as `warehouse_refused` (0 when the refusal did not repeat record by record). */
  readonly quarantined: number;
  readonly nextOffset: number | null;
}

/**
 * Finds the record of a refused chunk that the warehouse will not take and
 * quarantines it, committing every record before it as usual. A data error
 * (SQLSTATE class 22 or 54, 23 on this row path) repeats on every rerun of
 * the same rows, so without this a single record would stop its partition
 * for good: the chunk is split in halves, the first half written as a chunk
 * of its own (it commits with its watermark, or is refused too and split
 * again), until one record is refused alone. That record goes to
 * `stg.rejects` as `warehouse_refused`, with its exact bytes, its Kafka
 * coordinates and the warehouse's SQLSTATE and message in the detail,
 * committed with the watermark past it. At most about 2·log2(chunk size)
 * transactions; the loader then goes on with full chunks. A record that
 * the warehouse takes alone is written, never quarantined: a refusal that
 * needed several records together (none known) costs a few transactions and
 * loses nothing.
 */
export async function isolateRefusal(
  refused: RefusedChunk,
  reader: LandingReader,
  parser: ChunkParser,
  writer: ChunkWriter,
  logger: Logger,
  signal: AbortSignal,
): Promise<Isolation> {
  const { at } = refused;
  const counts: ChunkCounts[] = [];
  let expected = refused.expectedNext;
  let size = refused.records;
  let error = refused.error;
  while (size > 0 && !signal.aborted) {
    const take = Math.ceil(size / 2);
    const landed = await reader.readChunk(at, expected ?? 0, take);
    if (landed === null) break;
    const staged = await parser.parse(landed, { loseOneRecord: false });
    const read = staged.read;
    try {
      counts.push(await writer.write(staged, expected, await reader.countRange(landed, landed.firstOffset, landed.lastOffset)));
      expected = landed.lastOffset + 1;
      size -= read;
    } catch (failure) {
      if (!isDataRefusal(failure)) throw failure;
      error = failure;
      if (read > 1) {
        size = read;
        continue;
      }
      counts.push(await quarantine(at, landed.firstOffset, expected, failure, reader, writer));
      logger.warn(
        { topic: at.topic, incarnation: at.incarnation, partition: at.partition, offset: landed.firstOffset, sqlstate: sqlStateOf(failure), reason: describeError(failure) },
        'the warehouse refused a record: quarantined in stg.rejects as warehouse_refused',
      );
      return { counts, quarantined: 1, nextOffset: landed.firstOffset + 1 };
    }
  }
  if (size > 0 && !signal.aborted) logger.warn({ topic: at.topic, incarnation: at.incarnation, partition: at.partition, reason: describeError(error) }, 'a refused chunk was written in parts: no single record was refused');
  return { counts, quarantined: 0, nextOffset: expected };
}

/** The refused record as a reject of its own chunk, with the watermark past it. */
async function quarantine(
  at: LandedPartition,
  offset: number,
  expected: number | null,
  failure: unknown,
  reader: LandingReader,
  writer: ChunkWriter,
): Promise<ChunkCounts> {
  const landed = await reader.readChunk(at, offset, 1);
  const cursor = landed === null ? undefined : new LandedCopyCursor(landed.data);
  if (!landed || !cursor?.next()) throw new TurnoverError('INTERNAL', `record ${partitionName(at)}@${offset} vanished from the landing zone while it was isolated`);
  const builder = new ChunkBuilder(at);
  builder.count(cursor.offset);
  const state = sqlStateOf(failure);
  const why = reject('warehouse_refused', undefined, `the warehouse refused this record${state ? ` (SQLSTATE ${state})` : ''}: ${describeError(failure)}`, undefined);
  builder.reject(cursor.offset, why, cursor.keyCopy(), cursor.valueCopy(), cursor.kafkaTimestampMs());
  try {
    return await writer.write(builder.result(), expected, await reader.countRange(landed, landed.firstOffset, landed.lastOffset));
  } catch (error) {
    throw new TurnoverError('INTERNAL', `cannot quarantine record ${partitionName(at)}@${offset} that the warehouse refused: ${describeError(error)}`, { cause: error });
  }
}

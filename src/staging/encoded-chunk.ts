import { TRANSACTION_STATUSES } from '../contracts/index.js';
import { CopyBinaryWriter, fieldEncoders, pgDays, pgTimestamp, writeRow } from '../warehouse/postgres/copy-binary.js';
import { ChunkBuilder } from './chunk-builder.js';
import { foldVersions, type Fold, type OutcomeCounts, type VersionOps } from './chunk-planner.js';
import { LandedCopyCursor } from './landed-copy.js';
import type { LandedChunk } from './landing-reader.js';
import type { BulkRows, TransactionWrites, Winner } from './staged-chunk.js';
import { TRANSACTION_COLUMNS, transactionValues } from './stg-columns.js';
import { ScannedTransaction, scanTransaction } from './transaction-scanner.js';
import type { ConflictRow, Coordinates, CurrencyRow, RejectRow, TransactionRow } from './types.js';
import { transactionKey } from './types.js';

/**
 * The PostgreSQL path of a parse worker: each transaction version becomes
 * its stg.transactions COPY BINARY tuple as soon as it is read (the feed's
 * usual messages straight from the bytes by the scanner, any other through
 * the contract parser), and the fold works on small version handles. The
 * payload part of a tuple (every column before sent_dttm) is what "same
 * payload" compares, byte for byte: the encoding is canonical, so equal
 * bytes are equal values. Rows never become objects on the common path.
 */

/** Columns of a tuple, in TRANSACTION_COLUMNS order: the key is fields 1–2, the payload fields 1–11. */
const FIELDS = TRANSACTION_COLUMNS.length;
const ROW_ENCODERS = fieldEncoders(TRANSACTION_COLUMNS.map((c) => c.type));
const STATUS_TEXT = TRANSACTION_STATUSES.map((s) => Buffer.from(s, 'latin1'));
const AUTHORIZATION = Buffer.from('authorization', 'latin1');
const EPOCH_2000_MS = Date.UTC(2000, 0, 1);

/** Tuples of one chunk (or of the stored rows a lookup found), appended as versions are read. */
class Arena extends CopyBinaryWriter {}

/** One transaction version: where its tuple is, and what the fold compares. */
export class EncodedVersion implements Coordinates {
  constructor(
    readonly key: string,
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    /** sent_dttm: whole seconds since 2000-01-01 UTC, and microseconds. */
    readonly sentSeconds: number,
    readonly sentMicros: number,
    /** transaction_date, days since 2000-01-01. */
    readonly day: number,
    readonly arena: Arena,
    /** The tuple is arena bytes [start, end); its key fields end at keyEnd, its payload fields at payloadEnd. */
    readonly start: number,
    readonly keyEnd: number,
    readonly payloadEnd: number,
    readonly end: number,
  ) {}
}

const OPS: VersionOps<EncodedVersion> = {
  key: (v) => v.key,
  newer: (a, b) => {
    if (a.sentSeconds !== b.sentSeconds) return a.sentSeconds > b.sentSeconds;
    if (a.sentMicros !== b.sentMicros) return a.sentMicros > b.sentMicros;
    if (a.offset !== b.offset) return a.offset > b.offset;
    if (a.partition !== b.partition) return a.partition > b.partition;
    return a.topic > b.topic;
  },
  samePayload: (a, b) => a.arena.buffer.compare(b.arena.buffer, b.start + 2, b.payloadEnd, a.start + 2, a.payloadEnd) === 0,
};

const keyScratch = Buffer.allocUnsafe(64);

/** Appends a recognised message's tuple. */
function encodeScanned(arena: Arena, bytes: Buffer, scan: ScannedTransaction, topic: string, topicField: Buffer, partition: number, offset: number): EncodedVersion {
  const start = arena.length;
  arena.tuple(FIELDS);
  arena.uuidAsciiField(bytes, scan.idStart);
  const status = STATUS_TEXT[scan.status]!;
  arena.textBytesField(status, 0, status.length);
  const keyEnd = arena.length;
  arena.raw(arena.buffer, start + 2, start + 22); // object_id: the same uuid
  arena.int8Field(scan.accountFrom);
  arena.int8Field(scan.accountTo);
  arena.int4Field(scan.currencyCode);
  arena.textBytesField(bytes, scan.countryStart, scan.countryEnd);
  if (scan.typeIsAuthorisation) arena.textBytesField(AUTHORIZATION, 0, AUTHORIZATION.length);
  else arena.textBytesField(bytes, scan.typeStart, scan.typeEnd);
  arena.int8Field(scan.amount);
  arena.timestampPartsField(scan.transactionSeconds, scan.transactionMicros);
  arena.dateDaysField(scan.transactionDays);
  const payloadEnd = arena.length;
  arena.timestampPartsField(scan.sentSeconds, scan.sentMicros);
  arena.raw(topicField, 0, topicField.length);
  arena.int4Field(partition);
  arena.int8Field(offset);
  // the key as transactionKey() writes it: `<operation_id>|<status>`
  bytes.copy(keyScratch, 0, scan.idStart, scan.idStart + 36);
  keyScratch[36] = 0x7c;
  status.copy(keyScratch, 37);
  const key = keyScratch.toString('latin1', 0, 37 + status.length);
  return new EncodedVersion(key, topic, partition, offset, scan.sentSeconds, scan.sentMicros, scan.transactionDays, arena, start, keyEnd, payloadEnd, arena.length);
}

/** Appends a row object's tuple (messages the scanner left to the contract parser, stored rows of a lookup). */
export function encodeRow(arena: Arena, row: TransactionRow): EncodedVersion {
  const start = arena.length;
  writeRow(arena, ROW_ENCODERS, transactionValues(row));
  // field boundaries of the tuple just written: walk its length words
  const b = arena.buffer;
  const fieldEnd = (after: number): number => {
    let at = start + 2;
    for (let i = 0; i < after; i++) at += 4 + Math.max(0, b.readInt32BE(at));
    return at;
  };
  const sent = pgTimestamp(row.sentDttm);
  return new EncodedVersion(transactionKey(row), row.topic, row.partition, row.offset, sent.seconds, sent.micros, pgDays(row.transactionDate), arena, start, fieldEnd(2), fieldEnd(11), arena.length);
}

const dayText = (day: number): string => new Date(EPOCH_2000_MS + day * 86_400_000).toISOString().slice(0, 10);

/** A parsed chunk in a worker: currencies and rejects as rows, transactions as encoded versions. */
export interface EncodedChunk {
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly read: number;
  readonly currencies: CurrencyRow[];
  readonly rejects: RejectRow[];
  readonly versions: EncodedVersion[];
}

export function parseEncoded(chunk: LandedChunk, options: { readonly loseOneRecord: boolean }): EncodedChunk {
  const data = chunk.data;
  const arena = new Arena(Math.max(1 << 16, Math.ceil(data.length * 0.6)));
  let versions: EncodedVersion[] = [];
  const builder = new ChunkBuilder(chunk.topic, chunk.partition, (row) => versions.push(encodeRow(arena, row)));
  const topicField = Buffer.alloc(4 + Buffer.byteLength(chunk.topic));
  topicField.writeInt32BE(topicField.length - 4, 0);
  topicField.write(chunk.topic, 4);
  const scan = new ScannedTransaction();
  const cursor = new LandedCopyCursor(data);
  while (cursor.next()) {
    const offset = cursor.offset;
    if (cursor.valueLength > 0 && scanTransaction(data, cursor.valueStart, cursor.valueStart + cursor.valueLength, scan)) {
      builder.count(offset);
      versions.push(encodeScanned(arena, data, scan, chunk.topic, topicField, chunk.partition, offset));
      continue;
    }
    const refused = builder.add(offset, cursor.value());
    if (refused) builder.reject(offset, refused, cursor.keyCopy(), cursor.valueCopy(), cursor.kafkaTimestamp());
  }
  const parsed = builder.result();
  let { currencies, rejects } = parsed;
  if (options.loseOneRecord) {
    // TURNOVER_FAULT_INJECT=reconciliation-mismatch: a record silently lost after parsing
    if (versions.length > 0) versions = versions.slice(1);
    else if (currencies.length > 0) currencies = currencies.slice(1);
    else rejects = rejects.slice(1);
  }
  return { firstOffset: parsed.firstOffset, lastOffset: parsed.lastOffset, read: parsed.read, currencies: [...currencies], rejects: [...rejects], versions };
}

/** The first 4 bytes of a tuple's operation_id: sorts like the uuid's beginning. */
const idPrefix = (v: EncodedVersion): number => v.arena.buffer.readUInt32BE(v.start + 6);

/** Tuples in approximate primary-key order (a B-tree takes them with far fewer page visits than random uuids). */
function inKeyOrder(versions: readonly EncodedVersion[]): EncodedVersion[] {
  if (versions.length < 2 || versions.length >= 2 ** 21) return [...versions];
  const order = new Float64Array(versions.length);
  for (let i = 0; i < versions.length; i++) order[i] = idPrefix(versions[i]!) * 2 ** 21 + i;
  order.sort();
  const sorted = new Array<EncodedVersion>(versions.length);
  for (let i = 0; i < versions.length; i++) sorted[i] = versions[order[i]! % 2 ** 21]!;
  return sorted;
}

function tuples(versions: readonly EncodedVersion[], keysOnly: boolean): BulkRows {
  const out = new CopyBinaryWriter(Math.max(1 << 16, versions.length * (keysOnly ? 40 : 224)));
  out.header();
  for (const v of versions) {
    if (keysOnly) {
      out.tuple(2);
      out.raw(v.arena.buffer, v.start + 2, v.keyEnd);
    } else {
      out.raw(v.arena.buffer, v.start, v.end);
    }
  }
  out.trailer();
  return { count: versions.length, encoded: out.result() };
}

/** Distinct keys of the versions (first seen), as key tuples for the lookup's work table. */
export function encodedKeys(versions: readonly EncodedVersion[]): BulkRows {
  const seen = new Map<string, EncodedVersion>();
  for (const v of versions) if (!seen.has(v.key)) seen.set(v.key, v);
  return tuples([...seen.values()], true);
}

function writesOf(fold: Fold<EncodedVersion>): TransactionWrites {
  const days = new Set<number>();
  const writes: EncodedVersion[] = [];
  const replaced: EncodedVersion[] = [];
  const replacedWinners: Winner[] = [];
  const split = (v: EncodedVersion) => ({ operationId: v.key.slice(0, 36), status: v.key.slice(37) });
  for (const { current, stored } of fold.changed) {
    writes.push(current);
    days.add(current.day);
    if (stored) {
      replaced.push(stored);
      days.add(stored.day);
      replacedWinners.push({ ...split(current), transactionDate: dayText(current.day), partition: current.partition, offset: current.offset });
    }
  }
  const conflicts: ConflictRow[] = fold.losers.map(({ kept, other }) => {
    days.add(kept.day);
    return { ...split(kept), transactionDate: dayText(kept.day), keptPartition: kept.partition, keptOffset: kept.offset, otherPartition: other.partition, otherOffset: other.offset };
  });
  const counts: OutcomeCounts = fold.counts;
  return {
    counts,
    conflicts,
    touchedDays: [...days].map(dayText),
    writes: tuples(inKeyOrder(writes), false),
    replaced: tuples(replaced, true),
    replacedWinners,
  };
}

/** The plan given the stored rows of the chunk's keys (none: the plan that assumes every key is new). */
export function encodedPlan(versions: readonly EncodedVersion[], storedRows: readonly TransactionRow[] = []): TransactionWrites {
  const stored = new Map<string, EncodedVersion>();
  if (storedRows.length > 0) {
    const arena = new Arena(storedRows.length * 256);
    for (const row of storedRows) {
      const version = encodeRow(arena, row);
      stored.set(version.key, version);
    }
  }
  return writesOf(foldVersions(versions, stored, OPS));
}

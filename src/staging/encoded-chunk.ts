import { TRANSACTION_STATUSES } from '../contracts/types.js';
import { CopyBinaryWriter, fieldEncoders, pgDays, pgTimestamp, writeRow, type BufferSource } from '../db/copy-binary/index.js';
import type { LandedChunk } from '../landing/index.js';
// the parse workers' path: landed-copy.js alone, not the landing's index, which loads pg
import { LandedCopyCursor } from '../landing/landed-copy.js';
import { ChunkBuilder } from './chunk-builder.js';
import { FoldCollector, KeyState, type Fold, type VersionOps } from './chunk-planner.js';
import type { BulkRows, TransactionWrites, Winner } from './staged-chunk.js';
import { TRANSACTION_COLUMNS, transactionValues } from './stg-columns.js';
import { ScannedTransaction, scanTransaction } from './transaction-scanner.js';
import type { ConflictRow, Coordinates, CurrencyRow, RejectRow, TransactionRow } from './types.js';

/**
 * The PostgreSQL path of a parse worker: each transaction version becomes
 * its stg.transactions COPY BINARY tuple as soon as it is read (the feed's
 * usual messages straight from the bytes by the scanner, any other through
 * the contract parser), and the fold (`foldVersions`, the same rules as for
 * row objects) works on version numbers. What the fold compares lives in
 * typed columns, so a version costs the garbage collector one key string,
 * not an object graph. "Same payload" compares the payload part of two
 * tuples (every column before sent_dttm) byte for byte: the encoding is
 * canonical, so equal bytes are equal values.
 */

const FIELDS = TRANSACTION_COLUMNS.length;
const ROW_ENCODERS = fieldEncoders(TRANSACTION_COLUMNS.map((c) => c.type));
const STATUS_TEXT = TRANSACTION_STATUSES.map((s) => Buffer.from(s, 'latin1'));
const AUTHORIZATION = Buffer.from('authorization', 'latin1');
const EPOCH_2000_MS = Date.UTC(2000, 0, 1);

/** Transaction versions: their tuples in one arena, and per version number the columns the fold reads. */
class VersionTable {
  readonly arena: CopyBinaryWriter;
  readonly topics: string[] = [];
  count = 0;
  start = new Int32Array(0);
  /** End of the key fields (operation_id, status), of the payload fields (up to transaction_date), of the tuple. */
  keyEnd = new Int32Array(0);
  payloadEnd = new Int32Array(0);
  end = new Int32Array(0);
  topic = new Int32Array(0);
  incarnation = new Int32Array(0);
  partition = new Int32Array(0);
  offset = new Float64Array(0);
  /** sent_dttm: whole seconds since 2000-01-01 UTC, and microseconds. */
  sentSeconds = new Float64Array(0);
  sentMicros = new Int32Array(0);
  /** transaction_date, days since 2000-01-01. */
  day = new Int32Array(0);

  constructor(capacity: number, arenaBytes: number, buffers?: BufferSource) {
    this.arena = new CopyBinaryWriter(arenaBytes, buffers);
    this.#grow(Math.max(16, capacity));
  }

  add(at: Coordinates, sentSeconds: number, sentMicros: number, day: number, start: number, keyEnd: number, payloadEnd: number): number {
    const i = this.count;
    if (i === this.start.length) this.#grow(i * 2);
    let topicId = this.topics.indexOf(at.topic);
    if (topicId < 0) topicId = this.topics.push(at.topic) - 1;
    this.topic[i] = topicId;
    this.incarnation[i] = at.incarnation;
    this.partition[i] = at.partition;
    this.offset[i] = at.offset;
    this.sentSeconds[i] = sentSeconds;
    this.sentMicros[i] = sentMicros;
    this.day[i] = day;
    this.start[i] = start;
    this.keyEnd[i] = keyEnd;
    this.payloadEnd[i] = payloadEnd;
    this.end[i] = this.arena.length;
    this.count = i + 1;
    return i;
  }

  /** Forgets versions from `count` on (the stored rows of an earlier lookup). */
  truncate(count: number): void {
    this.count = count;
    this.arena.length = count === 0 ? 0 : this.end[count - 1]!;
  }

  #grow(capacity: number): void {
    const grow = <A extends Int32Array | Float64Array>(from: A, make: (n: number) => A): A => {
      const to = make(capacity);
      to.set(from.subarray(0, this.count));
      return to;
    };
    const i32 = (n: number) => new Int32Array(n);
    const f64 = (n: number) => new Float64Array(n);
    this.start = grow(this.start, i32);
    this.keyEnd = grow(this.keyEnd, i32);
    this.payloadEnd = grow(this.payloadEnd, i32);
    this.end = grow(this.end, i32);
    this.topic = grow(this.topic, i32);
    this.incarnation = grow(this.incarnation, i32);
    this.partition = grow(this.partition, i32);
    this.offset = grow(this.offset, f64);
    this.sentSeconds = grow(this.sentSeconds, f64);
    this.sentMicros = grow(this.sentMicros, i32);
    this.day = grow(this.day, i32);
  }
}

/** `<operation_id>|<status>` of a version, as transactionKey() writes it, from its tuple's bytes (for conflicts, which are few). */
function keyText(t: VersionTable, v: number): string {
  const b = t.arena.buffer;
  const id = b.toString('hex', t.start[v]! + 6, t.start[v]! + 22);
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}|${b.toString('utf8', t.start[v]! + 26, t.keyEnd[v]!)}`;
}

function opsOf(t: VersionTable): VersionOps<number> {
  return {
    key: (i) => keyText(t, i),
    newer: (a, b) => {
      if (t.sentSeconds[a] !== t.sentSeconds[b]) return t.sentSeconds[a]! > t.sentSeconds[b]!;
      if (t.sentMicros[a] !== t.sentMicros[b]) return t.sentMicros[a]! > t.sentMicros[b]!;
      if (t.incarnation[a] !== t.incarnation[b]) return t.incarnation[a]! > t.incarnation[b]!;
      if (t.offset[a] !== t.offset[b]) return t.offset[a]! > t.offset[b]!;
      if (t.partition[a] !== t.partition[b]) return t.partition[a]! > t.partition[b]!;
      return t.topics[t.topic[a]!]! > t.topics[t.topic[b]!]!;
    },
    samePayload: (a, b) => {
      const buffer = t.arena.buffer;
      return buffer.compare(buffer, t.start[b]! + 2, t.payloadEnd[b]!, t.start[a]! + 2, t.payloadEnd[a]!) === 0;
    },
  };
}

/** Same key bytes (operation_id, status)? */
function sameKey(t: VersionTable, a: number, b: number): boolean {
  const buffer = t.arena.buffer;
  return buffer.compare(buffer, t.start[b]! + 2, t.keyEnd[b]!, t.start[a]! + 2, t.keyEnd[a]!) === 0;
}

/**
 * The versions grouped by key: groups in key order (by the operation id's
 * first 4 bytes, the order a B-tree takes best), each group's versions in
 * offset order, with the stored version of its key if a lookup found one.
 * Sorting replaces a hash map of key strings: no object per version, and the
 * rows to write come out in insert order.
 */
interface KeyGroups {
  /** The chunk's version numbers, group after group. */
  readonly members: Int32Array;
  /** Where each group starts in `members`, and the end as the last entry. */
  readonly starts: Int32Array;
  /** Per group, the stored version of its key (-1: none). */
  readonly stored: Int32Array;
}

function keyGroups(t: VersionTable, versions: readonly number[], storedVersions: readonly number[] = []): KeyGroups {
  const all = storedVersions.length === 0 ? versions : [...versions, ...storedVersions];
  const n = all.length;
  if (n >= 2 ** 21) throw new Error(`a chunk of ${n} transaction versions is more than the fold sorts (2^21)`);
  const b = t.arena.buffer;
  const order = new Float64Array(n);
  for (let i = 0; i < n; i++) order[i] = b.readUInt32BE(t.start[all[i]!]! + 6) * 2 ** 21 + i;
  order.sort();
  const members = new Int32Array(versions.length);
  const starts: number[] = [];
  const stored: number[] = [];
  let out = 0;
  /** Closes a group: its chunk versions (positions in `all`, ascending = offset order) and its stored version. */
  const group = (positions: readonly number[]): void => {
    let storedVersion = -1;
    const from = out;
    for (const i of positions) {
      if (i >= versions.length) storedVersion = storedVersion < 0 ? all[i]! : storedVersion;
      else members[out++] = all[i]!;
    }
    if (out === from) return; // a stored row no chunk version asked for
    starts.push(from);
    stored.push(storedVersion);
  };
  for (let run = 0; run < n; ) {
    // versions with the same 4-byte prefix: usually one key, possibly several
    const prefix = Math.floor(order[run]! / 2 ** 21);
    let runEnd = run + 1;
    while (runEnd < n && Math.floor(order[runEnd]! / 2 ** 21) === prefix) runEnd++;
    if (runEnd - run === 1) {
      group([order[run]! % 2 ** 21]);
    } else {
      let pending: number[] = [];
      for (let i = run; i < runEnd; i++) pending.push(order[i]! % 2 ** 21);
      while (pending.length > 0) {
        const first = all[pending[0]!]!;
        const same: number[] = [];
        const rest: number[] = [];
        for (const i of pending) (sameKey(t, first, all[i]!) ? same : rest).push(i);
        pending = rest;
        group(same);
      }
    }
    run = runEnd;
  }
  starts.push(out);
  return { members, starts: Int32Array.from(starts), stored: Int32Array.from(stored) };
}

/** Appends a recognised message's tuple. */
function addScanned(t: VersionTable, bytes: Buffer, scan: ScannedTransaction, at: Coordinates, topicField: Buffer): void {
  const arena = t.arena;
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
  arena.int4Field(at.partition);
  arena.int8Field(at.offset);
  arena.int4Field(at.incarnation);
  t.add(at, scan.sentSeconds, scan.sentMicros, scan.transactionDays, start, keyEnd, payloadEnd);
}

/** Appends a row object's tuple (messages the scanner left to the contract parser, stored rows of a lookup). */
function addRow(t: VersionTable, row: TransactionRow): number {
  const arena = t.arena;
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
  return t.add(row, sent.seconds, sent.micros, pgDays(row.transactionDate), start, fieldEnd(2), fieldEnd(11));
}

/**
 * Appends the tuples of a COPY BINARY stream of stg.transactions rows
 * (stg_copy_existing_transactions.sql: TRANSACTION_COLUMNS, as the server
 * stores them) and returns their version numbers.
 */
function addTuples(t: VersionTable, data: Uint8Array): number[] {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const added: number[] = [];
  let at = 19 + b.readInt32BE(15);
  for (;;) {
    const fields = b.readInt16BE(at);
    if (fields === -1) return added;
    if (fields !== FIELDS) throw new Error(`a stored row of ${fields} columns, expected ${FIELDS}`);
    const ends: number[] = [];
    let p = at + 2;
    for (let i = 0; i < FIELDS; i++) {
      p += 4 + Math.max(0, b.readInt32BE(p));
      ends.push(p);
    }
    const start = t.arena.length;
    t.arena.raw(b, at, p);
    const shift = start - at;
    const field = (i: number): number => (i === 0 ? at + 2 : ends[i - 1]!) + 4; // a field's value, in `b`
    const micros = BigInt.asIntN(64, b.readBigInt64BE(field(11)));
    const seconds = micros / 1_000_000n - (micros % 1_000_000n < 0n ? 1n : 0n);
    const topicAt = field(12);
    added.push(
      t.add(
        { topic: b.toString('utf8', topicAt, ends[12]!), partition: b.readInt32BE(field(13)), offset: Number(b.readBigInt64BE(field(14))), incarnation: b.readInt32BE(field(15)) },
        Number(seconds),
        Number(micros - seconds * 1_000_000n),
        b.readInt32BE(field(10)),
        start,
        ends[1]! + shift,
        ends[10]! + shift,
      ),
    );
    at = p;
  }
}

const dayText = (day: number): string => new Date(EPOCH_2000_MS + day * 86_400_000).toISOString().slice(0, 10);

/** A parsed chunk in a worker: currencies and rejects as rows, transaction versions 0…n-1 in a table. */
export interface EncodedChunk {
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly read: number;
  readonly currencies: CurrencyRow[];
  readonly rejects: RejectRow[];
  readonly table: VersionTable;
  /** Versions the chunk's records made (the table's first ones; stored rows of a lookup come after). */
  readonly parsedCount: number;
  /** The chunk's versions, in offset order. */
  readonly versions: number[];
  /** The versions by key, computed once (the fresh plan, then the keys and the plan of a lookup). */
  groups?: KeyGroups;
}

export function parseEncoded(chunk: LandedChunk, options: { readonly loseOneRecord: boolean }, buffers?: BufferSource): EncodedChunk {
  const data = chunk.data;
  const table = new VersionTable(Math.ceil(data.length / 300), Math.max(1 << 16, Math.ceil(data.length * 0.6)), buffers);
  const builder = new ChunkBuilder(chunk, (row) => addRow(table, row));
  const topicField = Buffer.alloc(4 + Buffer.byteLength(chunk.topic));
  topicField.writeInt32BE(topicField.length - 4, 0);
  topicField.write(chunk.topic, 4);
  const scan = new ScannedTransaction();
  const cursor = new LandedCopyCursor(data);
  while (cursor.next()) {
    const offset = cursor.offset;
    if (cursor.valueLength > 0 && scanTransaction(data, cursor.valueStart, cursor.valueStart + cursor.valueLength, scan)) {
      builder.count(offset);
      addScanned(table, data, scan, { topic: chunk.topic, incarnation: chunk.incarnation, partition: chunk.partition, offset }, topicField);
      continue;
    }
    const refused = builder.add(offset, cursor.value());
    if (refused) builder.reject(offset, refused, cursor.keyCopy(), cursor.valueCopy(), cursor.kafkaTimestampMs());
  }
  const parsed = builder.result();
  let versions = Array.from({ length: table.count }, (_, i) => i);
  let { currencies, rejects } = parsed;
  if (options.loseOneRecord) {
    // TURNOVER_FAULT_INJECT=reconciliation-mismatch: a record silently lost after parsing
    if (versions.length > 0) versions = versions.slice(1);
    else if (currencies.length > 0) currencies = currencies.slice(1);
    else rejects = rejects.slice(1);
  }
  return { firstOffset: parsed.firstOffset, lastOffset: parsed.lastOffset, read: parsed.read, currencies: [...currencies], rejects: [...rejects], table, parsedCount: table.count, versions };
}

function tuples(t: VersionTable, versions: readonly number[], keysOnly: boolean, buffers?: BufferSource): BulkRows {
  const out = new CopyBinaryWriter(Math.max(1 << 16, versions.length * (keysOnly ? 40 : 224)), buffers);
  const b = t.arena.buffer;
  out.header();
  for (const v of versions) {
    if (keysOnly) {
      out.tuple(2);
      out.raw(b, t.start[v]! + 2, t.keyEnd[v]!);
    } else {
      out.raw(b, t.start[v]!, t.end[v]!);
    }
  }
  out.trailer();
  return { count: versions.length, encoded: out.result() };
}

/** The chunk's distinct keys, as key tuples for the lookup's work table. */
export function encodedKeys(chunk: EncodedChunk, buffers?: BufferSource): BulkRows {
  const { members, starts } = (chunk.groups ??= keyGroups(chunk.table, chunk.versions));
  const first: number[] = [];
  for (let g = 0; g + 1 < starts.length; g++) first.push(members[starts[g]!]!);
  return tuples(chunk.table, first, true, buffers);
}

function writesOf(t: VersionTable, fold: Fold<number>, buffers?: BufferSource): TransactionWrites {
  const days = new Set<number>();
  const replaced: number[] = [];
  const replacedWinners: Winner[] = [];
  const named = (v: number) => {
    const key = keyText(t, v);
    return { operationId: key.slice(0, 36), status: key.slice(37), transactionDate: dayText(t.day[v]!) };
  };
  for (let i = 0; i < fold.current.length; i++) {
    const current = fold.current[i]!;
    const stored = fold.stored[i];
    days.add(t.day[current]!);
    if (stored !== undefined) {
      replaced.push(stored);
      days.add(t.day[stored]!);
      replacedWinners.push({ ...named(current), incarnation: t.incarnation[current]!, partition: t.partition[current]!, offset: t.offset[current]! });
    }
  }
  const conflicts: ConflictRow[] = fold.losers.map(({ kept, other }) => {
    days.add(t.day[kept]!);
    return {
      ...named(kept),
      keptIncarnation: t.incarnation[kept]!,
      keptPartition: t.partition[kept]!,
      keptOffset: t.offset[kept]!,
      otherIncarnation: t.incarnation[other]!,
      otherPartition: t.partition[other]!,
      otherOffset: t.offset[other]!,
    };
  });
  return {
    counts: fold.counts,
    conflicts,
    touchedDays: [...days].map(dayText),
    writes: tuples(t, fold.current, false, buffers),
    replaced: tuples(t, replaced, true, buffers),
    replacedWinners,
  };
}

/**
 * The plan of a chunk's versions given the stored rows of their keys (none:
 * the plan that assumes every key is new): the rules of `FoldCollector`,
 * key group after key group.
 */
export function encodedPlan(
  chunk: EncodedChunk,
  storedVersions: { readonly rows: readonly TransactionRow[] } | { readonly encoded: Uint8Array } = { rows: [] },
  buffers?: BufferSource,
): TransactionWrites {
  const t = chunk.table;
  t.truncate(chunk.parsedCount);
  const storedList = 'rows' in storedVersions ? storedVersions.rows.map((row) => addRow(t, row)) : addTuples(t, storedVersions.encoded);
  const groups = storedList.length === 0 ? (chunk.groups ??= keyGroups(t, chunk.versions)) : keyGroups(t, chunk.versions, storedList);
  const { members, starts } = groups;
  const ops = opsOf(t);
  const collector = new FoldCollector<number>();
  for (let g = 0; g + 1 < starts.length; g++) {
    const from = starts[g]!;
    const to = starts[g + 1]!;
    const first = members[from]!;
    const before = groups.stored[g]!;
    if (before < 0 && to - from === 1) {
      collector.fresh();
      collector.close(first, undefined, true);
      continue;
    }
    let state: KeyState<number>;
    if (before < 0) {
      collector.fresh();
      state = new KeyState(first, undefined, true);
    } else {
      state = new KeyState(before, before, false);
      collector.step(state, first, ops);
    }
    for (let i = from + 1; i < to; i++) collector.step(state, members[i]!, ops);
    collector.close(state.current, state.stored, state.changed);
  }
  return writesOf(t, collector.fold(), buffers);
}

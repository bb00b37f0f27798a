import { existsSync, readFileSync } from 'node:fs';
import type { Incarnation } from './service.js';

/**
 * What an ingester incarnation said, read from its JSON log (pino: `time` in
 * ms, `msg`, the fields of the line). The log outlives a SIGKILL, where the
 * process's Prometheus counters do not: the chaos run counts conflicts and
 * primary-key hits from here, and checks the counters of the incarnations
 * still alive at the end against it.
 */
export interface LogLine {
  readonly time: number;
  readonly msg: string;
  readonly partitions?: unknown;
  readonly afterRetry?: boolean;
}

export function readLog(incarnation: Incarnation): LogLine[] {
  if (!existsSync(incarnation.logFile)) return [];
  const lines: LogLine[] = [];
  for (const text of readFileSync(incarnation.logFile, 'utf8').split('\n')) {
    if (!text.startsWith('{')) continue;
    try {
      const line = JSON.parse(text) as Partial<LogLine>;
      if (typeof line.time === 'number' && typeof line.msg === 'string') lines.push(line as LogLine);
    } catch {
      // a line cut by SIGKILL
    }
  }
  return lines;
}

// the ingester's own wording (src/ingest/ingester.ts, partition-tracker.ts, src/kafka/wire/group-member.ts)
export const isAssignment = (l: LogLine): boolean => l.msg.startsWith('assigned partitions [');
export const isOffsetRead = (l: LogLine): boolean => l.msg === 'starting from PostgreSQL offsets';
export const isConflict = (l: LogLine): boolean => l.msg.startsWith('another ingester landed these partitions first');
export const isPrimaryKeyHit = (l: LogLine): boolean => l.msg.startsWith('the offset fence was bypassed');
// src/kafka/wire/group-member.ts: the coordinator's heartbeat answer revoked the partitions
export const isRevocation = (l: LogLine): boolean => l.msg.startsWith("the group took this member's partitions back");

export function partitionsOf(line: LogLine): number[] {
  return Array.isArray(line.partitions) ? line.partitions.filter((p): p is number => typeof p === 'number') : [];
}

/** The partitions of the incarnation's latest assignment at `at` (undefined before its first). */
export function assignmentAt(lines: readonly LogLine[], at = Infinity): { readonly time: number; readonly partitions: number[] } | undefined {
  const last = lines.filter((l) => isAssignment(l) && l.time <= at).at(-1);
  return last ? { time: last.time, partitions: partitionsOf(last) } : undefined;
}

/**
 * When an incarnation could land a partition: from the assignment that gave
 * it, until its offsets were read again after an assignment without it — a
 * member keeps landing what it had queued after a rebalance took the
 * partition, until its next assignment drains the queue and re-reads
 * PostgreSQL — or until the process ended. A stopped process (a zombie)
 * keeps its claim.
 */
export interface Claim {
  readonly incarnation: Incarnation;
  readonly partition: number;
  readonly from: number;
  readonly to: number;
}

export function claimsOf(incarnation: Incarnation, lines: readonly LogLine[]): Claim[] {
  const claims: Claim[] = [];
  const open = new Map<number, number>();
  const end = incarnation.endedAt ?? Infinity;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!isAssignment(line)) continue;
    const now = new Set(partitionsOf(line));
    // a partition taken away is released once the offsets are read for the new assignment
    const released = lines.slice(i + 1).find(isOffsetRead)?.time ?? end;
    for (const [partition, from] of [...open]) {
      if (now.has(partition)) continue;
      claims.push({ incarnation, partition, from, to: Math.min(released, end) });
      open.delete(partition);
    }
    for (const partition of now) if (!open.has(partition)) open.set(partition, line.time);
  }
  for (const [partition, from] of open) claims.push({ incarnation, partition, from, to: end });
  return claims;
}

import { claimsOf, isConflict, isOffsetRead, isRevocation, partitionsOf, readLog, type Claim } from './ingester-log.js';
import type { Incarnation } from './service.js';

/**
 * Why a landing transaction met the fence (a "conflict": another writer had
 * moved an offset it expected). The fence is what makes two writers safe,
 * so a conflict is expected exactly where two writers could land one
 * partition, and nowhere else:
 *
 * - `zombie`: the ingester was stopped past its session timeout and woke up
 *   with records it fetched before: its late transaction (retried when
 *   PostgreSQL had ended its session meanwhile) was refused before it re-read
 *   its offsets.
 * - `two-claims`: another incarnation could land one of the partitions since
 *   this one last read its offsets (a rebalance after a kill, a restart or a
 *   broker crash; the other side of a zombie).
 * - `retried-commit`: the transaction had failed on an unreachable
 *   PostgreSQL and was sent again: its first commit had gone through (a
 *   crash between commit and answer), and the fence refused the repeat.
 * - `single-writer`: none of these — one writer owned the partition and still
 *   met the fence. The fence or the tracker is wrong: the chaos run fails.
 */
export type ConflictCause = 'zombie' | 'two-claims' | 'retried-commit' | 'single-writer';

export interface ZombieEpisode {
  readonly incarnation: Incarnation;
  readonly stoppedAt: number;
  readonly continuedAt: number;
  /** Its first assignment after waking: from then on it is an ordinary member again. */
  readonly rejoinedAt: number | undefined;
  /**
   * It was stopped inside its COPY: its transaction kept the partitions'
   * locks (PostgreSQL does not time out a COPY waiting for data), so the
   * other member waited on it; on waking, its transaction — fenced before
   * the takeover — commits, and the fence refuses the other member's instead.
   */
  readonly heldCopy: boolean;
}

export interface ClassifiedConflict {
  readonly ingester: string;
  readonly pid: number;
  readonly time: number;
  readonly partitions: readonly number[];
  readonly cause: ConflictCause;
  readonly why: string;
}

export function classifyConflicts(ingesters: readonly Incarnation[], zombies: readonly ZombieEpisode[]): ClassifiedConflict[] {
  const logs = new Map(ingesters.map((i) => [i, readLog(i)]));
  const claims: Claim[] = [...logs].flatMap(([incarnation, lines]) => claimsOf(incarnation, lines));
  const classified: ClassifiedConflict[] = [];
  for (const [incarnation, lines] of logs) {
    for (const line of lines.filter(isConflict)) {
      const t = line.time;
      const partitions = partitionsOf(line);
      const base = { ingester: `${incarnation.service}#${incarnation.number}`, pid: incarnation.pid, time: t, partitions };
      // what it had in flight or queued when it woke, until it re-read its offsets: it may rejoin the group before that transaction is retried
      const zombie = zombies.find((z) => z.incarnation === incarnation && z.continuedAt <= t && t <= (lines.find((l) => isOffsetRead(l) && l.time >= z.continuedAt)?.time ?? Infinity));
      if (zombie) {
        classified.push({ ...base, cause: 'zombie', why: `woke at ${zombie.continuedAt} after SIGSTOP at ${zombie.stoppedAt}` });
        continue;
      }
      if (line.afterRetry === true) {
        classified.push({ ...base, cause: 'retried-commit', why: 'the transaction was sent again after PostgreSQL became unreachable' });
        continue;
      }
      const readAt = lines.filter((l) => isOffsetRead(l) && l.time <= t).at(-1)?.time ?? incarnation.startedAt;
      const other = claims.find((c) => c.incarnation !== incarnation && partitions.includes(c.partition) && c.from <= t && c.to >= readAt);
      if (other) {
        const who = `${other.incarnation.service}#${other.incarnation.number}`;
        classified.push({ ...base, cause: 'two-claims', why: `${who} could land partition ${other.partition} from ${other.from} to ${other.to}, after this one read its offsets at ${readAt}` });
        continue;
      }
      classified.push({ ...base, cause: 'single-writer', why: `no other writer could land ${partitions.join(', ')} between the offsets read at ${readAt} and the conflict` });
    }
  }
  return classified.sort((a, b) => a.time - b.time);
}

export function countByCause(conflicts: readonly ClassifiedConflict[]): Record<ConflictCause, number> {
  const counts: Record<ConflictCause, number> = { zombie: 0, 'two-claims': 0, 'retried-commit': 0, 'single-writer': 0 };
  for (const c of conflicts) counts[c.cause] += 1;
  return counts;
}

/**
 * How a zombie learned that its partitions were gone. Three ways, all safe:
 * - `refused`: it woke with fetched records, tried to land them, and the
 *   fence refused the transaction (a `zombie` conflict);
 * - `told-first`: the coordinator's answer to its first heartbeat came before
 *   any fetched record (its last fetch before SIGSTOP had brought nothing, so
 *   on waking a new fetch raced the heartbeat): the revocation drops fetches
 *   in flight and the next assignment re-reads PostgreSQL, so it never tried;
 * - `held-copy`: stopped inside its COPY, the other member waited on its locks
 *   and met the fence after SIGCONT (a `two-claims` conflict of the other).
 * `unexplained` is none of these: the end checks fail.
 */
export type ZombieOutcome = 'refused' | 'told-first' | 'held-copy' | 'unexplained';

export function zombieOutcome(z: ZombieEpisode, conflicts: readonly ClassifiedConflict[]): ZombieOutcome {
  const after = conflicts.filter((c) => c.time >= z.continuedAt);
  if (z.heldCopy) return after.some((c) => c.pid !== z.incarnation.pid && c.cause === 'two-claims') ? 'held-copy' : 'unexplained';
  const lines = readLog(z.incarnation);
  // its own refusals are those before it re-read its offsets (classifyConflicts' window): a later episode of the same process has its own
  const reread = lines.find((l) => isOffsetRead(l) && l.time >= z.continuedAt)?.time ?? Infinity;
  if (after.some((c) => c.cause === 'zombie' && c.pid === z.incarnation.pid && c.time <= reread)) return 'refused';
  const toldAt = lines.find((l) => isRevocation(l) && l.time >= z.continuedAt)?.time;
  // told before it rejoined, and no conflict in between: it dropped what it had and tried nothing
  return toldAt !== undefined && (z.rejoinedAt === undefined || toldAt <= z.rejoinedAt) ? 'told-first' : 'unexplained';
}

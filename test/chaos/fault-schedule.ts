import { seededRandom } from '../support/seeded-random.js';

/**
 * The chaos run's faults, drawn from a seed: the same seed gives the same
 * faults, in the same order, with the same waits and down times, so a failing
 * run is replayed with `TURNOVER_CHAOS_SEED=<seed>` (timing between processes
 * is the machine's, not the seed's: a replay repeats every decision the
 * harness makes, not the interleaving of the pipeline's own threads).
 */

/** The pipeline's processes a fault can hit. */
export const INGESTERS = ['ingest-1', 'ingest-2'] as const;
export const PROCESSES = [...INGESTERS, 'load-stg', 'build-marts'] as const;
export type ProcessName = (typeof PROCESSES)[number];
export type IngesterName = (typeof INGESTERS)[number];

export type Fault =
  /**
   * SIGKILL of a process at a random moment: `at` (0..1) of the way into a
   * build-marts run (scaled by the last run's length), or of two seconds for
   * the long-running ones.
   */
  | { readonly kind: 'kill'; readonly target: ProcessName; readonly at: number }
  /** SIGSTOP of an ingester until its group session timed out and its partitions moved on, then SIGCONT. */
  | { readonly kind: 'zombie'; readonly target: IngesterName }
  /** SIGKILL of PostgreSQL's postmaster; started again (crash recovery) after `downMs`. */
  | { readonly kind: 'postgres-crash'; readonly downMs: number }
  /** SIGKILL of the Kafka broker; started again after `downMs`. */
  | { readonly kind: 'kafka-crash'; readonly downMs: number };

export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = ['kill', 'zombie', 'postgres-crash', 'kafka-crash'];

/** One fault and the wait before it, counted from the end of the previous fault's action. */
export interface ScheduledFault {
  readonly index: number;
  readonly waitMs: number;
  readonly fault: Fault;
}

export interface ScheduleOptions {
  readonly seed: number;
  /** How long the faults should take, roughly: faults are drawn until their waits and estimated durations fill it. */
  readonly durationMs: number;
  /** The wait before each fault is drawn from [min, max]. */
  readonly waitMs: readonly [number, number];
  /** The group's session timeout: a zombie lasts at least that long. */
  readonly sessionTimeoutMs: number;
}

/** A long-running process is killed within this window after its fault is due (`at` of it). */
export const KILL_WINDOW_MS = 2_000;

/** What a fault takes beyond its down time (a broker start, a rebalance), for filling the duration only. */
const ESTIMATED_MS: Record<FaultKind, number> = { kill: 500, zombie: 6_000, 'postgres-crash': 2_000, 'kafka-crash': 8_000 };
/** Weights of the kinds after every kind and every kill target had its turn. */
const WEIGHTS: readonly [FaultKind, number][] = [
  ['kill', 5],
  ['zombie', 2],
  ['postgres-crash', 2],
  ['kafka-crash', 1],
];

/**
 * The schedule: first, in a seeded order, one kill of every process, one
 * zombie and one crash of each server (so even a short run meets every kind
 * of fault), then faults drawn by weight until the duration is filled.
 */
export function faultSchedule(options: ScheduleOptions): ScheduledFault[] {
  const random = seededRandom(options.seed);
  const between = (min: number, max: number): number => Math.round(min + random() * (max - min));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const draw = (kind: FaultKind, target?: ProcessName): Fault => {
    switch (kind) {
      case 'kill':
        return { kind, target: target ?? pick(PROCESSES), at: between(0, 100) / 100 };
      case 'zombie':
        return { kind, target: pick(INGESTERS) };
      case 'postgres-crash':
        return { kind, downMs: between(500, 5_000) };
      case 'kafka-crash':
        return { kind, downMs: between(500, 5_000) };
    }
  };

  const deck: Fault[] = [...PROCESSES.map((target) => draw('kill', target)), draw('zombie'), draw('postgres-crash'), draw('kafka-crash')];
  shuffle(deck, random);
  const schedule: ScheduledFault[] = [];
  let elapsed = 0;
  const add = (fault: Fault): void => {
    const waitMs = between(options.waitMs[0], options.waitMs[1]);
    schedule.push({ index: schedule.length + 1, waitMs, fault });
    elapsed += waitMs + estimatedMs(fault, options.sessionTimeoutMs);
  };
  for (const fault of deck) add(fault);
  const total = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);
  while (elapsed < options.durationMs) {
    let roll = random() * total;
    const kind = WEIGHTS.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'kill';
    add(draw(kind));
  }
  return schedule;
}

function estimatedMs(fault: Fault, sessionTimeoutMs: number): number {
  const down = 'downMs' in fault ? fault.downMs : 0;
  const session = fault.kind === 'zombie' ? sessionTimeoutMs : 0;
  return ESTIMATED_MS[fault.kind] + down + session;
}

/** One line per fault, as printed before the run (and replayed by the same seed). */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'kill':
      return fault.target === 'build-marts'
        ? `SIGKILL build-marts ${Math.round(fault.at * 100)}% into its next run`
        : `SIGKILL ${fault.target} ${Math.round(fault.at * KILL_WINDOW_MS)} ms after the fault is due`;
    case 'zombie':
      return `SIGSTOP ${fault.target} until its session timed out and its partitions moved on, then SIGCONT`;
    case 'postgres-crash':
      return `SIGKILL PostgreSQL's postmaster, down ${fault.downMs} ms, then crash recovery`;
    case 'kafka-crash':
      return `SIGKILL the Kafka broker, down ${fault.downMs} ms, then restart`;
  }
}

export function describeSchedule(seed: number, schedule: readonly ScheduledFault[]): string {
  return [
    `chaos seed ${seed} (replay: TURNOVER_CHAOS_SEED=${seed}), ${schedule.length} faults:`,
    ...schedule.map((s) => `  #${s.index} after ${(s.waitMs / 1000).toFixed(1)} s: ${describeFault(s.fault)}`),
  ].join('\n');
}

/** The seed of a run: TURNOVER_CHAOS_SEED when set (a replay), else the caller's default. */
export function chaosSeed(env: NodeJS.ProcessEnv, fallback: number): number {
  const text = env.TURNOVER_CHAOS_SEED;
  if (text === undefined || text === '') return fallback;
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new Error(`TURNOVER_CHAOS_SEED must be an integer from 0 to 4294967295, not "${text}"`);
  return seed;
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

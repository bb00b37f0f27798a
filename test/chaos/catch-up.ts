import { setTimeout as sleep } from 'node:timers/promises';
import { landedOffsets, loadedOffsets } from './positions.js';
import type { Service } from './service.js';

/**
 * "Caught up", precisely: for a target — the end of the producer's
 * acknowledged log per partition at some moment t0 — the pipeline has caught
 * up when (1) raw.consumer_offsets of the group is at or past the target on
 * every partition (landed), (2) stg.load_state is (loaded into STG, with the
 * touched days queued in the same transaction), and (3) a build-marts run that
 * started after (2) was seen has exited 0 (the marts hold every record
 * acknowledged before t0). Positions are polled every POLL_MS, so each time
 * is late by at most that; (3) also waits for the build timer's next run,
 * which is part of the pipeline's latency.
 *
 * A fault's recovery time runs from the moment the fault hit to (3), for the
 * target taken when the fault was over: the server restarted, the killed
 * process gone (its restart by the supervisor is part of the recovery), the
 * zombie woken — and the producer's backlog sent when Kafka was away. So it
 * is how long until everything acknowledged before the fault ended is
 * visible in the marts. The same measure taken at a moment without a fault
 * (the fault's length 0) is the baseline: the pipeline's own latency.
 */
export interface CatchUp {
  readonly since: number;
  landedAt?: number;
  loadedAt?: number;
  builtAt?: number;
}

const POLL_MS = 250;

interface Pending {
  readonly target: ReadonlyMap<number, number>;
  readonly state: CatchUp;
  readonly resolve: (state: CatchUp) => void;
}

export class CatchUpWatcher {
  readonly #pending = new Set<Pending>();
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly urls: { readonly landingUrl: string; readonly warehouseUrl: string },
    private readonly group: string,
    private readonly builds: Service,
  ) {}

  start(): void {
    this.#running ??= this.#poll();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  /** Resolves when the pipeline has caught up with `target` (the acknowledged ends at `since`). */
  watch(target: ReadonlyMap<number, number>, since = Date.now()): Promise<CatchUp> {
    return new Promise((resolve) => this.#pending.add({ target, state: { since }, resolve }));
  }

  async #poll(): Promise<void> {
    while (!this.#stopped) {
      if (this.#pending.size > 0) {
        const positions = await this.#positions().catch(() => undefined); // PostgreSQL away: not caught up
        const now = Date.now();
        for (const pending of this.#pending) {
          const { target, state } = pending;
          if (positions && state.landedAt === undefined && reached(positions.landed, target)) state.landedAt = now;
          if (positions && state.landedAt !== undefined && state.loadedAt === undefined && reached(positions.loaded, target)) state.loadedAt = now;
          if (state.loadedAt === undefined) continue;
          const build = this.builds.incarnations.find((b) => b.startedAt > state.loadedAt! && b.cause === 'done');
          if (!build) continue;
          state.builtAt = build.endedAt;
          this.#pending.delete(pending);
          pending.resolve(state);
        }
      }
      await sleep(POLL_MS);
    }
  }

  async #positions(): Promise<{ landed: Map<number, number>; loaded: Map<number, number> }> {
    return { landed: await landedOffsets(this.urls.landingUrl, this.group), loaded: await loadedOffsets(this.urls.warehouseUrl) };
  }
}

function reached(positions: ReadonlyMap<number, number>, target: ReadonlyMap<number, number>): boolean {
  for (const [partition, end] of target) if ((positions.get(partition) ?? 0) < end) return false;
  return true;
}

/** The p-th percentile (nearest rank) of some durations; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

import { setTimeout as sleep } from 'node:timers/promises';
import { CHAOS_GROUP, CHAOS_PARTITIONS, type ChaosPipeline } from './chaos-pipeline.js';
import type { ZombieEpisode } from './conflicts.js';
import { INGESTERS, KILL_WINDOW_MS, type IngesterName, type ScheduledFault } from './fault-schedule.js';
import { assignmentAt, readLog } from './ingester-log.js';
import { copyWaitingOnFrozenWriter, landedOffsets } from './positions.js';
import type { Incarnation } from './service.js';

/** What a fault did: when it hit, when its action was over (a server back up, a zombie woken), to whom. */
export interface FaultEvent {
  readonly scheduled: ScheduledFault;
  readonly injectedAt: number;
  readonly restoredAt: number;
  readonly detail: string;
  /** A kill that found nothing to kill (the build-marts run ended first). */
  readonly missed: boolean;
  readonly zombie?: ZombieEpisode;
}

const LIVENESS_MS = 120_000;
const MAX_BUILD_TRIES = 4;
/** A COPY waiting this long for data while another landing waits on a lock: the zombie was stopped inside it. */
const FROZEN_COPY_MS = 3_000;

/** Carries out a scheduled fault on the running pipeline; the event says when it hit and when its action was over. */
export class FaultInjector {
  constructor(
    private readonly pipeline: ChaosPipeline,
    private readonly sessionTimeoutMs: number,
  ) {}

  async inject(scheduled: ScheduledFault): Promise<FaultEvent> {
    const fault = scheduled.fault;
    switch (fault.kind) {
      case 'kill':
        return fault.target === 'build-marts' ? this.#killBuild(scheduled, fault.at) : this.#killService(scheduled, fault.target, fault.at);
      case 'zombie':
        return this.#zombie(scheduled, fault.target);
      case 'postgres-crash': {
        const injectedAt = Date.now();
        const pid = await this.pipeline.postgres.crash();
        await sleep(fault.downMs);
        await this.pipeline.postgres.restart();
        return { scheduled, injectedAt, restoredAt: Date.now(), detail: `postmaster ${pid} killed, restarted after ${fault.downMs} ms`, missed: false };
      }
      case 'kafka-crash': {
        const [node] = this.pipeline.kafka.nodeIds;
        const injectedAt = Date.now();
        await this.pipeline.kafka.kill(node!);
        await sleep(fault.downMs);
        await this.pipeline.kafka.restart(node!);
        return { scheduled, injectedAt, restoredAt: Date.now(), detail: `broker killed, restarted after ${fault.downMs} ms`, missed: false };
      }
    }
  }

  async #killService(scheduled: ScheduledFault, name: 'ingest-1' | 'ingest-2' | 'load-stg', at: number): Promise<FaultEvent> {
    const service = this.pipeline.service(name);
    await within(service.nextStart(true), LIVENESS_MS, `${name} to be running`);
    await sleep(Math.round(at * KILL_WINDOW_MS));
    const injectedAt = Date.now();
    const killed = await service.kill();
    return { scheduled, injectedAt, restoredAt: Date.now(), detail: `${describe(killed)} killed`, missed: killed === undefined };
  }

  /**
   * build-marts runs briefly, and not always as long: the kill lands `at` of
   * the way into a run, by the length of the last one that finished; a run
   * that ended first is followed by the next one, half as far in each time.
   */
  async #killBuild(scheduled: ScheduledFault, at: number): Promise<FaultEvent> {
    const service = this.pipeline.service('build-marts');
    const last = service.incarnations.filter((i) => i.cause === 'done').at(-1);
    const length = last ? last.endedAt! - last.startedAt : 1_000;
    const missed: string[] = [];
    for (let attempt = 0; attempt < MAX_BUILD_TRIES; attempt++) {
      const run = await within(service.nextStart(), LIVENESS_MS, 'the next build-marts run');
      await sleep(Math.round((at * length) / 2 ** attempt));
      if (service.running !== run) {
        missed.push(`${describe(run)} ended first`);
        continue;
      }
      const injectedAt = Date.now();
      const killed = await service.kill();
      const detail = `${describe(killed)} killed ${injectedAt - run.startedAt} ms into its run${missed.length ? ` (${missed.join('; ')})` : ''}`;
      return { scheduled, injectedAt, restoredAt: Date.now(), detail, missed: false };
    }
    const injectedAt = Date.now();
    return { scheduled, injectedAt, restoredAt: injectedAt, detail: missed.join('; '), missed: true };
  }

  /**
   * A zombie: SIGSTOP of an ingester that owns partitions, held until the
   * group gave its partitions to the other member and that one landed past
   * where the zombie stood; then SIGCONT. The zombie wakes up with the fetch
   * answers that arrived while it slept and tries to land them: the fence must
   * refuse that transaction (counted as a `zombie` conflict), and it must
   * rejoin the group.
   */
  async #zombie(scheduled: ScheduledFault, target: IngesterName): Promise<FaultEvent> {
    const service = this.pipeline.service(target);
    const other = this.pipeline.service(INGESTERS.find((n) => n !== target)!);
    const zombie = await this.#stableGroup(target);
    const claimed = assignmentAt(readLog(zombie))!.partitions;
    const stoppedAt = Date.now();
    service.signal('SIGSTOP');
    let continuedAt: number;
    let heldCopy = false;
    try {
      await until(
        () => {
          const running = other.running;
          const assignment = running && assignmentAt(readLog(running));
          return assignment && assignment.time > stoppedAt && claimed.every((p) => assignment.partitions.includes(p));
        },
        this.sessionTimeoutMs + LIVENESS_MS,
        `the group to give ${target}'s partitions [${claimed.join(', ')}] to the other member`,
      );
      const atTakeover = await this.#landedOffsets();
      let frozenSince: number | undefined;
      const outcome = await until(
        async () => {
          const now = await this.#landedOffsets().catch(() => undefined);
          if (now !== undefined && claimed.every((p) => (now.get(p) ?? 0) > (atTakeover.get(p) ?? 0))) return 'landed past' as const;
          // stopped inside a COPY: PostgreSQL waits for its data and keeps its locks (no timeout covers it; docs/ingest.md)
          const frozen = await copyWaitingOnFrozenWriter(this.pipeline.databases.landingUrl).catch(() => false);
          frozenSince = frozen ? (frozenSince ?? Date.now()) : undefined;
          return frozenSince !== undefined && Date.now() - frozenSince >= FROZEN_COPY_MS ? ('held its COPY' as const) : undefined;
        },
        LIVENESS_MS,
        `the other member to land past the zombie on [${claimed.join(', ')}]`,
      );
      heldCopy = outcome === 'held its COPY';
    } finally {
      continuedAt = Date.now();
      service.signal('SIGCONT');
    }
    const rejoined = await until(
      () => {
        const assignment = assignmentAt(readLog(zombie));
        return assignment && assignment.time >= continuedAt ? assignment : undefined;
      },
      this.sessionTimeoutMs + LIVENESS_MS,
      `${target} to rejoin the group after SIGCONT`,
    ).catch(() => undefined); // a zombie that does not come back is reported by the end checks (its conflicts, its exit)
    const episode: ZombieEpisode = { incarnation: zombie, stoppedAt, continuedAt, rejoinedAt: rejoined?.time, heldCopy };
    const held = heldCopy ? ' (stopped inside its COPY: the other member waited on its locks)' : '';
    const detail = `${describe(zombie)} stopped owning [${claimed.join(', ')}] for ${((continuedAt - stoppedAt) / 1000).toFixed(1)} s${held}; ${
      rejoined ? `rejoined with [${rejoined.partitions.join(', ')}]` : 'did not rejoin'
    }`;
    return { scheduled, injectedAt: stoppedAt, restoredAt: continuedAt, detail, missed: false, zombie: episode };
  }

  /** Waits until both ingesters run and their latest assignments split every partition between them; returns the target's incarnation. */
  async #stableGroup(target: IngesterName): Promise<Incarnation> {
    return until(
      () => {
      const assignments = INGESTERS.map((name) => {
        const running = this.pipeline.service(name).running;
        return running && { running, partitions: assignmentAt(readLog(running))?.partitions ?? [] };
      });
      if (assignments.some((a) => !a || a.partitions.length === 0)) return undefined;
      const all = assignments.flatMap((a) => a!.partitions).sort();
      if (all.length !== CHAOS_PARTITIONS || new Set(all).size !== CHAOS_PARTITIONS) return undefined;
      return assignments[INGESTERS.indexOf(target)]!.running;
      },
      LIVENESS_MS,
      'both ingesters to own partitions',
    );
  }

  #landedOffsets(): Promise<Map<number, number>> {
    return landedOffsets(this.pipeline.databases.landingUrl, CHAOS_GROUP);
  }

}

function describe(incarnation: Incarnation | undefined): string {
  return incarnation ? `${incarnation.service}#${incarnation.number} (pid ${incarnation.pid})` : 'nothing';
}

/** Polls `check` every 250 ms until it gives a value (not undefined or false); an error naming `what` after `ms`. */
export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
  for (const deadline = Date.now() + ms; ; await sleep(250)) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
  }
}

/** The promise, or an error naming what did not happen in time. */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

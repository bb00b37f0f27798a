import type pg from 'pg';
import { createAdmin, type KafkaAdmin, type KafkaConfig } from '../kafka/index.js';
import { landedTotal, openLandingPool } from '../landing/index.js';
import type { Logger } from '../log/logger.js';
import { probePolicy } from '../retry/index.js';
import { openWarehouse, type Warehouse } from '../warehouse/index.js';

export interface PipelineStatus {
  /** Records landed in raw (sum of the group's next offsets in the topic's current incarnation). */
  readonly landed: bigint;
  /** Records in the topic not landed yet. */
  readonly lag: bigint | undefined;
  /** Landed records STG has not loaded yet. */
  readonly stgBehind: bigint | undefined;
  readonly lastMartBuild: Date | undefined;
  readonly martQueue: number | undefined;
}

export interface StatusSources {
  readonly stagingUrl: string;
  readonly warehouseUrl: string;
  readonly kafka: KafkaConfig;
  readonly topic: string;
  readonly group: string;
}

/**
 * Reads the pipeline's progress from the tables of SPEC §3 (never from a
 * stage's internals): landed = raw.consumer_offsets, loaded =
 * stg.load_state, built = cdm.build_days. Missing tables read as "unknown".
 */
export class StatusReader {
  readonly #staging: pg.Pool;
  readonly #warehouse: Warehouse;
  readonly #admin: KafkaAdmin;
  readonly #sources: StatusSources;

  private constructor(sources: StatusSources, warehouse: Warehouse, logger: Logger) {
    this.#sources = sources;
    this.#warehouse = warehouse;
    this.#staging = openLandingPool(sources.stagingUrl, { max: 1, connectionTimeoutMillis: 5_000 });
    this.#admin = createAdmin(sources.kafka, logger, { policy: probePolicy, connectionTimeoutMs: 2_000, requestTimeoutMs: 5_000 });
  }

  static async open(sources: StatusSources, logger: Logger): Promise<StatusReader> {
    return new StatusReader(sources, await openWarehouse(sources.warehouseUrl, logger), logger);
  }

  async read(): Promise<PipelineStatus> {
    const current = await optional(() => this.landed());
    const landed = current?.landed;
    const progress = await optional(() => this.progress(current?.incarnation ?? 0));
    const end = await optional(() => this.kafkaEnd());
    const landedCount = landed ?? 0n;
    return {
      landed: landedCount,
      lag: end === undefined ? undefined : end - landedCount,
      stgBehind: progress ? landedCount - progress.loaded : undefined,
      lastMartBuild: progress?.lastBuiltAt,
      martQueue: progress?.queued,
    };
  }

  /** Records landed for the group in the topic's current incarnation, and which incarnation that is (the landing database's errors as they come). */
  landed(): Promise<{ landed: bigint; incarnation: number }> {
    return landedTotal(this.#staging, this.#sources.group, this.#sources.topic);
  }

  /** What STG loaded of that incarnation, the last mart build and the days queued for the marts (the warehouse's errors as they come). */
  async progress(incarnation: number): Promise<{ loaded: bigint; lastBuiltAt: Date | undefined; queued: number }> {
    const { rows } = await this.#warehouse.query<{ loaded: string; last_built_at: Date | string | null; queued: number }>(this.#warehouse.sql('runner_progress'), [this.#sources.topic, incarnation]);
    const row = rows[0];
    return { loaded: BigInt(row?.loaded ?? '0'), lastBuiltAt: row?.last_built_at ? new Date(row.last_built_at) : undefined, queued: Number(row?.queued ?? 0) };
  }

  /** The sum of the topic's end offsets in Kafka (Kafka's errors as they come). */
  async kafkaEnd(): Promise<bigint> {
    return (await this.#admin.topicOffsets(this.#sources.topic)).reduce((sum, p) => sum + p.high, 0n);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.#staging.end(), this.#warehouse.close(), this.#admin.close()]);
  }
}

/** Not migrated yet, a server restarting, Kafka briefly away: the status shows "?" instead of failing. */
async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

const fmt = (n: bigint | number | undefined): string => (n === undefined ? '?' : Number(n).toLocaleString('en-US'));

/** One line for the terminal: throughput, lag, STG backlog, last mart build. */
export function statusLine(now: PipelineStatus, previous: PipelineStatus | undefined, seconds: number, dashboardUrl: string): string {
  const rate = previous && seconds > 0 ? Math.max(0, Number(now.landed - previous.landed) / seconds) : 0;
  const build = now.lastMartBuild ? `${now.lastMartBuild.toISOString().slice(11, 19)}Z (${Math.max(0, Math.round((Date.now() - now.lastMartBuild.getTime()) / 1000))}s ago)` : 'not yet';
  return [
    `landed ${fmt(now.landed)} (${Math.round(rate).toLocaleString('en-US')} msg/s)`,
    `kafka lag ${fmt(now.lag)}`,
    `stg behind ${fmt(now.stgBehind)}`,
    `marts built ${build}${now.martQueue ? `, ${now.martQueue} days queued` : ''}`,
    dashboardUrl,
  ].join(' · ');
}

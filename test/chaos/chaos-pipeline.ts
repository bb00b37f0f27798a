import { freePort } from '../../src/process/ports.js';
import { runCli } from '../support/cli.js';
import { KafkaCluster } from '../support/kafka-cluster.js';
import { PrivatePostgres } from '../support/private-postgres.js';
import { INGESTERS, PROCESSES, type IngesterName, type ProcessName } from './fault-schedule.js';
import { Service, type Incarnation } from './service.js';

export const CHAOS_TOPIC = 'transaction-service-input';
export const CHAOS_GROUP = 'chaos';
export const CHAOS_PARTITIONS = 3;

export interface PipelineOptions {
  readonly logDir: string;
  /** The ingesters' group session timeout: how long a zombie keeps its partitions. */
  readonly sessionTimeoutMs: number;
  /** build-marts runs again this long after each run ended. */
  readonly buildIntervalMs: number;
  /** How long a dead ingester or load-stg stays down before it is started again. */
  readonly restartDelayMs: number;
}

export interface LandingDatabases {
  readonly landingUrl: string;
  readonly warehouseUrl: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The chaos run's pipeline on servers of its own, so that crashing them
 * disturbs no other test: a private PostgreSQL (support/private-postgres.ts)
 * holding the landing and the warehouse, a private single-node KRaft broker
 * (support/kafka-cluster.ts with one node: the stack's own KafkaBroker), a
 * three-partition topic, and the processes an operator runs — two `turnover
 * ingest` in one group, a continuous `turnover load-stg`, `turnover
 * build-marts` on a timer — each kept alive like a systemd unit
 * (service.ts).
 */
export class ChaosPipeline {
  readonly services: ReadonlyMap<ProcessName, Service>;

  private constructor(
    readonly postgres: PrivatePostgres,
    readonly kafka: KafkaCluster,
    readonly databases: LandingDatabases,
    services: Map<ProcessName, Service>,
    /** Each ingester's Prometheus port (the same across its restarts, as a unit's configuration). */
    readonly metricsPorts: ReadonlyMap<IngesterName, number>,
  ) {
    this.services = services;
  }

  static async start(options: PipelineOptions): Promise<ChaosPipeline> {
    const postgres = await PrivatePostgres.start();
    let kafka: KafkaCluster | undefined;
    try {
      kafka = await KafkaCluster.start({ nodes: 1, heap: '384m' });
      await kafka.createTopic(CHAOS_TOPIC, CHAOS_PARTITIONS);
      const brokers = kafka.config.brokers.join(',');
      const databases = await migratedDatabases(postgres, 'chaos', { TURNOVER_KAFKA_BROKERS: brokers, TURNOVER_KAFKA_TOPIC: CHAOS_TOPIC, TURNOVER_KAFKA_GROUP: CHAOS_GROUP });
      const json = { TURNOVER_LOG_FORMAT: 'json', TURNOVER_LOG_LEVEL: 'info' };
      const services = new Map<ProcessName, Service>();
      const metricsPorts = new Map<IngesterName, number>();
      const continuous = { kind: 'continuous', restartDelayMs: options.restartDelayMs } as const;
      for (const name of INGESTERS) {
        const port = await freePort();
        metricsPorts.set(name, port);
        const args = ['ingest', '--session-timeout-ms', String(options.sessionTimeoutMs), '--metrics-port', String(port), '--progress-interval', '10'];
        services.set(name, new Service({ name, args, env: { ...databases.env, ...json }, logDir: options.logDir, mode: continuous }));
      }
      const loadArgs = ['load-stg', '--poll-interval', '0.5', '--chunk-size', '500', '--parse-workers', '2'];
      services.set('load-stg', new Service({ name: 'load-stg', args: loadArgs, env: databases.env, logDir: options.logDir, mode: continuous }));
      const buildMode = { kind: 'timer', intervalMs: options.buildIntervalMs } as const;
      services.set('build-marts', new Service({ name: 'build-marts', args: ['build-marts'], env: databases.env, logDir: options.logDir, mode: buildMode }));
      return new ChaosPipeline(postgres, kafka, databases, services, metricsPorts);
    } catch (error) {
      await kafka?.stop();
      await postgres.remove();
      throw error;
    }
  }

  service(name: ProcessName): Service {
    const service = this.services.get(name);
    if (!service) throw new Error(`no service ${name}`);
    return service;
  }

  startServices(): void {
    for (const name of PROCESSES) this.service(name).start();
  }

  /** The final stop, in the order an operator stops the pipeline (a reader before what reads after it); each process's last incarnation. */
  async stopServices(): Promise<Map<ProcessName, Incarnation | undefined>> {
    const exits = new Map<ProcessName, Incarnation | undefined>();
    for (const name of PROCESSES) exits.set(name, await this.service(name).stop());
    return exits;
  }

  /** Every incarnation of every process, in start order. */
  incarnations(): Incarnation[] {
    return [...this.services.values()].flatMap((s) => s.incarnations).sort((a, b) => a.startedAt - b.startedAt);
  }

  async remove(): Promise<void> {
    for (const service of this.services.values()) await service.stop(5_000).catch(() => undefined);
    await this.kafka.stop();
    await this.postgres.remove();
  }
}

/** A landing and a warehouse database on the private server, migrated by the real CLI; `env` carries them and `extra`. */
export async function migratedDatabases(postgres: PrivatePostgres, label: string, extra: Readonly<Record<string, string>> = {}): Promise<LandingDatabases> {
  const landingUrl = await postgres.createDatabase(`${label}_landing`);
  const warehouseUrl = await postgres.createDatabase(`${label}_dwh`);
  const env = { ...extra, TURNOVER_LANDING_URL: landingUrl, TURNOVER_WAREHOUSE_URL: warehouseUrl };
  const migrated = await runCli(['migrate'], { env });
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
  return { landingUrl, warehouseUrl, env };
}

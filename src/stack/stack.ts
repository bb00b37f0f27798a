import { join } from 'node:path';
import { FORMER_LANDING_URL_ENV, LANDING_URL_ENV } from '../command/shared-options.js';
import type { Logger } from '../log/logger.js';
import { assertPortFree } from '../process/ports.js';
import { ensureKafkaJars } from '../setup/kafka-jars.js';
import { preparePostgresBinaries } from '../setup/postgres-binaries.js';
import { checkJava } from '../setup/prerequisites.js';
import { KafkaBroker } from './kafka-broker.js';
import { PostgresServer } from './postgres-server.js';
import {
  LANDING_DATABASE,
  persistSettings,
  preparePostgresDir,
  WAREHOUSE_DATABASE,
  type StackSettings,
} from './stack-settings.js';

export interface ComponentStatus {
  readonly name: 'kafka' | 'postgres';
  readonly healthy: boolean;
  readonly pid: number | undefined;
  readonly address: string;
  readonly log: string;
}

export interface StackStatus {
  readonly components: readonly ComponentStatus[];
  readonly healthy: boolean;
}

/**
 * Connection settings of a running stack, as the pipeline's env vars. The
 * landing's URL goes out under its old name too, for scripts and Spark jobs
 * written against it.
 */
export function stackEnv(settings: StackSettings): Record<string, string> {
  const pgBase = `postgres://postgres@127.0.0.1:${settings.postgresPort}`;
  return {
    TURNOVER_KAFKA_BROKERS: `127.0.0.1:${settings.kafkaPort}`,
    [LANDING_URL_ENV]: `${pgBase}/${LANDING_DATABASE}`,
    [FORMER_LANDING_URL_ENV]: `${pgBase}/${LANDING_DATABASE}`,
    TURNOVER_WAREHOUSE_URL: `${pgBase}/${WAREHOUSE_DATABASE}`,
    TURNOVER_STATE_DIR: settings.stateDir,
  };
}

/**
 * The embedded local default: one KRaft Kafka broker and one PostgreSQL
 * server (landing zone and warehouse are two databases on it).
 */
export class LocalStack {
  #settings: StackSettings;
  readonly #env: NodeJS.ProcessEnv;

  constructor(settings: StackSettings, env: NodeJS.ProcessEnv) {
    this.#settings = settings;
    this.#env = env;
  }

  get settings(): StackSettings {
    return this.#settings;
  }

  #kafka(jarsDir = ''): KafkaBroker {
    return new KafkaBroker({
      dir: join(this.settings.stateDir, 'kafka'),
      port: this.settings.kafkaPort,
      controllerPort: this.settings.controllerPort,
      heap: this.settings.kafkaHeap,
      jarsDir,
      env: this.#env,
    });
  }

  #postgres(binDir = ''): PostgresServer {
    return new PostgresServer({
      dir: this.settings.postgresDir,
      port: this.settings.postgresPort,
      binaries: { binDir, version: '' },
      osUser: this.settings.postgresOsUser,
      env: this.#env,
    });
  }

  async status(): Promise<StackStatus> {
    const kafka = this.#kafka();
    const postgres = this.#postgres();
    const [kafkaHealthy, postgresHealthy] = await Promise.all([
      kafka.pid() !== undefined && kafka.healthy(),
      postgres.pid() !== undefined && postgres.healthy(),
    ]);
    const components: ComponentStatus[] = [
      { name: 'kafka', healthy: kafkaHealthy, pid: kafka.pid(), address: kafka.address, log: kafka.logFile },
      { name: 'postgres', healthy: postgresHealthy, pid: postgres.pid(), address: `127.0.0.1:${this.settings.postgresPort}`, log: postgres.logFile },
    ];
    return { components, healthy: kafkaHealthy && postgresHealthy };
  }

  /** Starts whatever is not running; returns the names of the components it started. */
  async up(logger: Logger): Promise<string[]> {
    const before = await this.status();
    const started: string[] = [];
    const needs = (name: string) => !before.components.find((c) => c.name === name)?.healthy;

    if (needs('postgres')) {
      const postgres = this.#postgres();
      if (postgres.pid() === undefined) await assertPortFree(this.settings.postgresPort, 'PostgreSQL', '--postgres-port / TURNOVER_STACK_POSTGRES_PORT');
      const shared = this.settings.postgresOsUser ? join('/var/tmp', 'turnover-root') : this.settings.cacheDir;
      const binaries = preparePostgresBinaries(this.#env, shared);
      this.#settings = await preparePostgresDir(this.settings);
      await this.#postgres(binaries.binDir).start(logger);
      started.push('postgres');
    }
    persistSettings(this.settings);
    await this.#postgres().ensureDatabases([LANDING_DATABASE, WAREHOUSE_DATABASE]);

    if (needs('kafka')) {
      if (this.#kafka().pid() === undefined) await assertPortFree(this.settings.kafkaPort, 'Kafka', '--kafka-port / TURNOVER_STACK_KAFKA_PORT');
      await checkJava(this.#env);
      const jars = await ensureKafkaJars(this.settings.cacheDir, logger, this.#env);
      await this.#kafka(jars).start(logger);
      started.push('kafka');
    }
    return started;
  }

  /**
   * Stops Kafka first (its clients then fail fast instead of waiting on a
   * database), then PostgreSQL; returns what was running. `only` stops one
   * component (restart drills in tests and runbooks).
   */
  async down(logger: Logger, only?: 'kafka' | 'postgres'): Promise<string[]> {
    const stopped: string[] = [];
    if (only !== 'postgres' && (await this.#kafka().stop(logger))) stopped.push('kafka');
    if (only !== 'kafka' && (await this.#postgres().stop())) stopped.push('postgres');
    return stopped;
  }
}

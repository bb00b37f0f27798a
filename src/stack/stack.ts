import { join } from 'node:path';
import { BI_WAREHOUSE_URL_ENV, FORMER_LANDING_URL_ENV, LANDING_URL_ENV } from '../command/shared-options.js';
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
  postgresPasswordFiles,
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
 * written against it. The URLs carry the generated passwords of the state
 * dir (postgres-*.password): `stack env` is how a shell gets them.
 * TURNOVER_BI_WAREHOUSE_URL is the read-only login of Superset and Metabase.
 */
export function stackEnv(settings: StackSettings): Record<string, string> {
  const server = postgresServer(settings);
  const landingUrl = server.urlFor(LANDING_DATABASE);
  return {
    TURNOVER_KAFKA_BROKERS: `127.0.0.1:${settings.kafkaPort}`,
    [LANDING_URL_ENV]: landingUrl,
    [FORMER_LANDING_URL_ENV]: landingUrl,
    TURNOVER_WAREHOUSE_URL: server.urlFor(WAREHOUSE_DATABASE),
    [BI_WAREHOUSE_URL_ENV]: server.biUrlFor(WAREHOUSE_DATABASE),
    TURNOVER_STATE_DIR: settings.stateDir,
  };
}

function postgresServer(settings: StackSettings, binDir = '', env: NodeJS.ProcessEnv = {}): PostgresServer {
  const passwords = postgresPasswordFiles(settings.stateDir);
  return new PostgresServer({
    dir: settings.postgresDir,
    port: settings.postgresPort,
    binaries: { binDir, version: '' },
    osUser: settings.postgresOsUser,
    env,
    passwordFile: passwords.superuser,
    biPasswordFile: passwords.bi,
  });
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
    return postgresServer(this.settings, binDir, this.#env);
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
    const postgres = this.#postgres();
    if (!started.includes('postgres')) await postgres.lockDoors(logger); // a running cluster an older turnover made
    await postgres.ensureDatabases([LANDING_DATABASE, WAREHOUSE_DATABASE]);
    await postgres.ensureBiRole();
    await postgres.grantMartsToBi(WAREHOUSE_DATABASE);
    await postgres.closeToPublic(LANDING_DATABASE);

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
   * Opens the marts of another database of the stack's server to the BI
   * login (tests and demos that keep a warehouse per run); returns its
   * read-only URL.
   */
  async grantMartsToBi(database: string): Promise<string> {
    const postgres = this.#postgres();
    await postgres.grantMartsToBi(database);
    return postgres.biUrlFor(database);
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

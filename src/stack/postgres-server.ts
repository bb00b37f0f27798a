import { existsSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { StackError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { PostgresBinaries } from '../setup/postgres-binaries.js';
import { tailFile } from '../process/log-tail.js';
import { postmasterPid } from '../process/pid-file.js';
import { run, type RunResult } from '../process/run-command.js';

export interface PostgresServerOptions {
  /** Folder owned by the server's OS user: holds `data/` and `postgres.log`. */
  readonly dir: string;
  readonly port: number;
  readonly binaries: PostgresBinaries;
  /** Set when we are root: PostgreSQL refuses to run as root, so it runs as this user. */
  readonly osUser: string | undefined;
  readonly env: NodeJS.ProcessEnv;
}

export const SUPERUSER = 'postgres';

/** A local PostgreSQL server managed with initdb/pg_ctl from the packaged binaries. */
export class PostgresServer {
  readonly #o: PostgresServerOptions;

  constructor(options: PostgresServerOptions) {
    this.#o = options;
  }

  get dataDir(): string {
    return join(this.#o.dir, 'data');
  }

  get logFile(): string {
    return join(this.#o.dir, 'postgres.log');
  }

  urlFor(database: string): string {
    return `postgres://${SUPERUSER}@127.0.0.1:${this.#o.port}/${database}`;
  }

  pid(): number | undefined {
    return postmasterPid(this.dataDir);
  }

  async healthy(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.urlFor('postgres'), connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async start(logger: Logger): Promise<void> {
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) await this.#initdb(logger);
    const options = [`-p ${this.#o.port}`, "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=''"].join(' ');
    const result = await this.#pgCtl(['start', '-w', '-t', '60', '-D', this.dataDir, '-l', this.logFile, '-o', options]);
    if (result.code !== 0 || !(await this.healthy())) {
      throw new StackError(`PostgreSQL failed to start (${firstLine(result)}); last lines of ${this.logFile}:\n${tailFile(this.logFile)}`);
    }
    logger.info({ pid: this.pid(), port: this.#o.port }, 'PostgreSQL running');
  }

  async stop(): Promise<boolean> {
    if (this.pid() === undefined) return false;
    const result = await this.#pgCtl(['stop', '-w', '-t', '60', '-m', 'fast', '-D', this.dataDir]);
    if (result.code !== 0 && this.pid() !== undefined) {
      throw new StackError(`PostgreSQL did not stop: ${firstLine(result)}`);
    }
    return true;
  }

  async ensureDatabases(names: readonly string[]): Promise<void> {
    const client = new pg.Client({ connectionString: this.urlFor('postgres') });
    await client.connect();
    try {
      for (const name of names) {
        const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
        // identifiers cannot be bound; names come from our own constants
        if (exists.rowCount === 0) await client.query(`create database "${name.replaceAll('"', '')}"`);
      }
    } finally {
      await client.end();
    }
  }

  async #initdb(logger: Logger): Promise<void> {
    logger.info({ dir: this.dataDir }, 'initialising a PostgreSQL cluster');
    const result = await this.#asServerUser(join(this.#o.binaries.binDir, 'initdb'), [
      '-D', this.dataDir, '-A', 'trust', '-U', SUPERUSER, '-E', 'UTF8', '--locale=C', '--no-sync',
    ]);
    if (result.code !== 0) throw new StackError(`initdb failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-5).join(' | ')}`);
    // Tuning for a local analytics box: bigger WAL between checkpoints for bulk loads.
    appendFileSync(
      join(this.dataDir, 'postgresql.conf'),
      [
        '',
        '# turnover local stack',
        'max_connections = 200',
        'shared_buffers = 512MB',
        'max_wal_size = 1GB', // bounded: a laptop's disk, and many throwaway test clusters
        'checkpoint_timeout = 15min',
        'work_mem = 64MB',
        'maintenance_work_mem = 256MB',
        'timezone = UTC',
        'log_timezone = UTC',
        '',
      ].join('\n'),
    );
  }

  #pgCtl(args: string[]): Promise<RunResult> {
    return this.#asServerUser(join(this.#o.binaries.binDir, 'pg_ctl'), args);
  }

  #asServerUser(command: string, args: string[]): Promise<RunResult> {
    const env = { ...this.#o.env, LC_ALL: 'C' };
    return this.#o.osUser ? run('runuser', ['-u', this.#o.osUser, '--', command, ...args], { env }) : run(command, args, { env });
  }
}

function firstLine(result: RunResult): string {
  return (result.stderr || result.stdout).trim().split('\n')[0] ?? `exit ${result.code}`;
}

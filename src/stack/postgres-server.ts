import { existsSync, appendFileSync, chownSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { readStatementFile } from '../db/statement-files.js';
import { StackError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { PostgresBinaries } from '../setup/postgres-binaries.js';
import { tailFile } from '../process/log-tail.js';
import { postmasterPid } from '../process/pid-file.js';
import { run, type RunResult } from '../process/run-command.js';
import { SQL_DIR } from '../paths.js';
import { ensureSecret, readSecret } from './secret-file.js';

export interface PostgresServerOptions {
  /** Folder owned by the server's OS user: holds `data/` and `postgres.log`. */
  readonly dir: string;
  readonly port: number;
  readonly binaries: PostgresBinaries;
  /** Set when we are root: PostgreSQL refuses to run as root, so it runs as this user. */
  readonly osUser: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** 0600 file in the state dir holding the superuser's generated password. */
  readonly passwordFile: string;
  /** 0600 file in the state dir holding the BI login's generated password. */
  readonly biPasswordFile: string;
}

export const SUPERUSER = 'postgres';
/** A pg_hba.conf line (not a comment) that lets its logins in without a password. */
const TRUSTING = /^\s*[^#\s].*\btrust\s*$/m;
/** The read-only login of Superset and Metabase: SELECT on the marts (cdm) and nothing else. */
export const BI_ROLE = 'turnover_bi';

/**
 * A local PostgreSQL server managed with initdb/pg_ctl from the packaged
 * binaries. It listens on the loopback only and asks every login for a SCRAM
 * password: another local user cannot log in as its superuser (with trust,
 * any OS user could, and run `COPY … TO PROGRAM` as the server's user).
 */
export class PostgresServer {
  readonly #o: PostgresServerOptions;

  constructor(options: PostgresServerOptions) {
    this.#o = options;
  }

  get dataDir(): string {
    return join(this.#o.dir, 'data');
  }

  get #hbaFile(): string {
    return join(this.dataDir, 'pg_hba.conf');
  }

  get logFile(): string {
    return join(this.#o.dir, 'postgres.log');
  }

  /** The superuser's URL, carrying its password once the cluster has one. */
  urlFor(database: string): string {
    return localUrl(SUPERUSER, readSecret(this.#o.passwordFile), this.#o.port, database);
  }

  /** The BI login's URL (read-only, marts only), once `grantBiRole` has run. */
  biUrlFor(database: string): string {
    return localUrl(BI_ROLE, readSecret(this.#o.biPasswordFile), this.#o.port, database);
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
    else if (readSecret(this.#o.passwordFile) === undefined && !TRUSTING.test(readFileSync(this.#hbaFile, 'utf8'))) {
      throw new StackError(`${this.#o.passwordFile} is missing and the PostgreSQL cluster in ${this.dataDir} asks for that password: restore the file, or delete the state dir to start afresh`);
    }
    const options = [`-p ${this.#o.port}`, "-c listen_addresses=127.0.0.1", "-c unix_socket_directories=''"].join(' ');
    const result = await this.#pgCtl(['start', '-w', '-t', '60', '-D', this.dataDir, '-l', this.logFile, '-o', options]);
    if (result.code !== 0 || !(await this.healthy())) {
      throw new StackError(`PostgreSQL failed to start (${firstLine(result)}); last lines of ${this.logFile}:\n${tailFile(this.logFile)}`);
    }
    logger.info({ pid: this.pid(), port: this.#o.port }, 'PostgreSQL running');
    await this.lockDoors(logger);
  }

  /**
   * A cluster an older turnover made with `initdb -A trust` is locked here:
   * the superuser gets a generated password (kept in the state dir), then
   * pg_hba.conf asks for SCRAM everywhere and the server reloads it. A
   * cluster made by this version has no trust line, so this only reads a file.
   */
  async lockDoors(logger: Logger): Promise<void> {
    const hbaFile = this.#hbaFile;
    const hba = readFileSync(hbaFile, 'utf8');
    if (!TRUSTING.test(hba)) return;
    const password = ensureSecret(this.#o.passwordFile);
    await this.#asSuperuser('postgres', async (client) => {
      await client.query(stackSql('stack_lock_superuser').replace('{{password}}', sqlSafe(password)));
      writeFileSync(hbaFile, hba.replace(new RegExp(TRUSTING.source, 'gm'), (line) => line.replace(/\btrust(\s*)$/, 'scram-sha-256$1')));
      await client.query('select pg_reload_conf()');
    });
    logger.info({ hba: hbaFile }, 'PostgreSQL no longer trusts local logins: the superuser has a generated password (turnover stack env)');
  }

  /**
   * The BI login of Superset and Metabase, created once with a generated
   * password kept in the state dir; it reaches nothing until
   * `grantMartsToBi` opens a warehouse database's marts to it. Idempotent.
   */
  async ensureBiRole(): Promise<void> {
    const password = ensureSecret(this.#o.biPasswordFile);
    await this.#asSuperuser('postgres', async (client) => {
      await client.query(stackSql('stack_create_bi_role'));
      await client.query(stackSql('stack_set_bi_password').replace('{{password}}', sqlSafe(password)));
    });
  }

  /** In `database`: the BI login may connect and read the marts (cdm), the ones to come included; nothing else. */
  async grantMartsToBi(database: string): Promise<void> {
    await this.#asSuperuser(database, async (client) => {
      for (const name of ['stack_bi_connect', 'stack_cdm_schema', 'stack_bi_cdm_usage', 'stack_bi_cdm_tables', 'stack_bi_cdm_future_tables']) {
        await client.query(stackSql(name));
      }
    });
  }

  /** In `database`: PUBLIC (so the BI login) may not connect; only the superuser does. */
  async closeToPublic(database: string): Promise<void> {
    await this.#asSuperuser(database, (client) => client.query(stackSql('stack_close_to_public')).then(() => undefined));
  }

  async #asSuperuser(database: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
    const client = new pg.Client({ connectionString: this.urlFor(database) });
    await client.connect();
    try {
      await work(client);
    } finally {
      await client.end();
    }
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
    await this.#asSuperuser('postgres', async (client) => {
      for (const name of names) {
        const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
        // identifiers cannot be bound; names come from our own constants
        if (exists.rowCount === 0) await client.query(`create database "${name.replaceAll('"', '')}"`);
      }
    });
  }

  async #initdb(logger: Logger): Promise<void> {
    logger.info({ dir: this.dataDir }, 'initialising a PostgreSQL cluster');
    const password = ensureSecret(this.#o.passwordFile);
    // initdb runs as the server's OS user, who cannot read our 0600 file: it
    // gets a copy of its own in the server's folder for the moment it runs.
    const pwfile = join(this.#o.dir, '.initdb-password');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    const owner = statSync(this.#o.dir);
    chownSync(pwfile, owner.uid, owner.gid);
    let result: RunResult;
    try {
      result = await this.#asServerUser(join(this.#o.binaries.binDir, 'initdb'), [
        '-D', this.dataDir, '-A', 'scram-sha-256', `--pwfile=${pwfile}`, '-U', SUPERUSER, '-E', 'UTF8', '--locale=C', '--no-sync',
      ]);
    } finally {
      rmSync(pwfile, { force: true });
    }
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

function localUrl(user: string, password: string | undefined, port: number, database: string): string {
  return `postgres://${user}${password === undefined ? '' : `:${password}`}@127.0.0.1:${port}/${database}`;
}

function stackSql(name: string): string {
  return readStatementFile(join(SQL_DIR, 'stack'), name, `stack/${name}`, `sql/stack/${name}.sql`);
}

/** ALTER ROLE … PASSWORD takes no bind parameter: only our generated, URL-safe passwords are spliced. */
function sqlSafe(password: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(password)) throw new StackError('refusing to splice a password with characters outside [A-Za-z0-9_-] into SQL');
  return password;
}

function firstLine(result: RunResult): string {
  return (result.stderr || result.stdout).trim().split('\n')[0] ?? `exit ${result.code}`;
}

import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { silentLogger } from '../../src/log/logger.js';
import { preparePostgresBinaries } from '../../src/setup/postgres-binaries.js';
import { PostgresServer } from '../../src/stack/postgres-server.js';
import { postgresPasswordFiles, preparePostgresDir, resolveStackSettings } from '../../src/stack/stack-settings.js';

/**
 * A PostgreSQL server of its own for a test that crashes it: the stack's
 * server (src/stack/postgres-server.ts) on a throwaway folder and a free
 * port, so that killing its postmaster disturbs no other test file (the
 * run's shared stack holds every other file's databases, and its crash
 * recovery would replay all of their WAL).
 */
export class PrivatePostgres {
  private constructor(
    private readonly server: PostgresServer,
    private readonly stateDir: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const stateDir = mkdtempSync(join(tmpdir(), 'turnover-private-pg-'));
    chmodSync(stateDir, 0o755); // the postgres OS user (when we are root) must reach it
    const settings = await preparePostgresDir(await resolveStackSettings({ stateDir, postgresPort: 0, kafkaPort: 0 }, process.env));
    // where LocalStack keeps the binaries: shared with the run's stack, copied once
    const binaries = preparePostgresBinaries(process.env, settings.postgresOsUser ? join('/var/tmp', 'turnover-root') : settings.cacheDir);
    const passwords = postgresPasswordFiles(stateDir);
    const server = new PostgresServer({
      dir: settings.postgresDir, port: settings.postgresPort, binaries, osUser: settings.postgresOsUser, env: process.env,
      passwordFile: passwords.superuser, biPasswordFile: passwords.bi,
    });
    await server.start(silentLogger());
    return new PrivatePostgres(server, stateDir);
  }

  get dataDir(): string {
    return this.server.dataDir;
  }

  /** The 0600 file of the state dir with the superuser's generated password. */
  get passwordFile(): string {
    return postgresPasswordFiles(this.stateDir).superuser;
  }

  /** The server's log: what it refused, and why (a duplicate key is logged with the key). */
  get logFile(): string {
    return this.server.logFile;
  }

  url(database: string): string {
    return this.server.urlFor(database);
  }

  async createDatabase(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      await client.query(`create database "${name}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  /**
   * SIGKILL of the postmaster, as a crash of the server: its backends notice
   * and exit (waited for, or the next start would find their shared memory
   * in use); the next start runs crash recovery. Returns the killed pid.
   */
  async crash(): Promise<number> {
    const pid = this.server.pid();
    if (pid === undefined) throw new Error('PostgreSQL is not running');
    const children = childrenOf(pid);
    process.kill(pid, 'SIGKILL');
    for (const deadline = Date.now() + 60_000; [pid, ...children].some(alive); ) {
      if (Date.now() > deadline) throw new Error(`processes of the killed postmaster ${pid} still alive: ${children.filter(alive).join(', ')}`);
      await sleep(20);
    }
    // Orphans are adopted by pid 1, which in this sandbox never reaps them: the dead postmaster
    // stays a zombie, whose pid still "exists", and PostgreSQL would refuse to start on its
    // lock file. Under a reaping init it finds the pid gone and removes the stale file itself:
    // this does the same.
    rmSync(join(this.server.dataDir, 'postmaster.pid'), { force: true });
    return pid;
  }

  /** Starts the server again (after a crash: crash recovery, then ready). */
  async restart(): Promise<void> {
    await this.server.start(silentLogger());
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  async remove(): Promise<void> {
    await this.server.stop().catch(() => undefined);
    const pid = this.server.pid();
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
    rmSync(this.stateDir, { recursive: true, force: true });
    rmSync(dirname(this.server.dataDir), { recursive: true, force: true });
  }
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    // a zombie has exited: only its entry is left until its parent reaps it
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

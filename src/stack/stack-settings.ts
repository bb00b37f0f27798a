import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, PrerequisiteError } from '../errors.js';
import { defaultCacheDir, defaultStateDir } from '../paths.js';
import { freePort } from '../process/ports.js';
import { run } from '../process/run-command.js';
import { postgresOsUser } from '../setup/postgres-binaries.js';

export const DEFAULT_PORTS = Object.freeze({ kafka: 19092, controller: 19093, postgres: 15432 });
export const LANDING_DATABASE = 'turnover';
export const WAREHOUSE_DATABASE = 'turnover_dwh';

/** Everything the stack needs to know, resolved once from flags, env and the state dir. */
export interface StackSettings {
  readonly stateDir: string;
  readonly cacheDir: string;
  readonly kafkaPort: number;
  readonly controllerPort: number;
  readonly postgresPort: number;
  readonly kafkaHeap: string;
  /** Where PostgreSQL keeps data and log; see resolvePostgresDir for why it may be outside stateDir. */
  readonly postgresDir: string;
  readonly postgresOsUser: string | undefined;
}

export interface StackSettingsInput {
  readonly stateDir?: unknown;
  readonly kafkaPort?: unknown;
  readonly postgresPort?: unknown;
  readonly kafkaHeap?: unknown;
}

interface PersistedSettings {
  kafkaPort: number;
  controllerPort: number;
  postgresPort: number;
  postgresDir: string;
}

/**
 * Ports are chosen on the first `up` and remembered in the state dir: the KRaft
 * metadata records the controller's address, so it must not move between starts.
 * Port 0 picks free ports (what the test harness does).
 */
export async function resolveStackSettings(input: StackSettingsInput, env: NodeJS.ProcessEnv): Promise<StackSettings> {
  const stateDir = resolve(typeof input.stateDir === 'string' && input.stateDir ? input.stateDir : defaultStateDir());
  const persisted = readPersisted(stateDir);
  const wantKafka = typeof input.kafkaPort === 'number' ? input.kafkaPort : persisted?.kafkaPort ?? DEFAULT_PORTS.kafka;
  const wantPostgres = typeof input.postgresPort === 'number' ? input.postgresPort : persisted?.postgresPort ?? DEFAULT_PORTS.postgres;
  const kafkaPort = wantKafka === 0 ? await freePort() : wantKafka;
  const controllerPort = persisted?.controllerPort ?? (wantKafka === 0 ? await freePort() : kafkaPort + 1);
  const postgresPort = wantPostgres === 0 ? await freePort() : wantPostgres;
  const osUser = postgresOsUser(env);
  return Object.freeze({
    stateDir,
    cacheDir: defaultCacheDir(env),
    kafkaPort,
    controllerPort,
    postgresPort,
    kafkaHeap: typeof input.kafkaHeap === 'string' && input.kafkaHeap ? input.kafkaHeap : '512m',
    postgresDir: persisted?.postgresDir ?? join(stateDir, 'postgres'),
    postgresOsUser: osUser,
  });
}

/** Where the local PostgreSQL's generated passwords are kept: 0600 files of the state dir. */
export function postgresPasswordFiles(stateDir: string): { readonly superuser: string; readonly bi: string } {
  return { superuser: join(stateDir, 'postgres-superuser.password'), bi: join(stateDir, 'postgres-bi.password') };
}

/** True when the state dir has been used by `stack up` before. */
export function stackInitialised(stateDir: string): boolean {
  return readPersisted(stateDir) !== undefined;
}

export function persistSettings(settings: StackSettings): void {
  mkdirSync(settings.stateDir, { recursive: true });
  const persisted: PersistedSettings = {
    kafkaPort: settings.kafkaPort,
    controllerPort: settings.controllerPort,
    postgresPort: settings.postgresPort,
    postgresDir: settings.postgresDir,
  };
  writeFileSync(join(settings.stateDir, 'stack.json'), `${JSON.stringify(persisted, null, 2)}\n`);
}

function readPersisted(stateDir: string): PersistedSettings | undefined {
  const file = join(stateDir, 'stack.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PersistedSettings;
  } catch (error) {
    throw new ConfigError(`unreadable stack state ${file}: fix or delete it`, error);
  }
}

/**
 * When we run as root, PostgreSQL runs as an unprivileged user who must own its
 * data folder and be able to reach it. A state dir under /root is not
 * reachable by that user, so the data then lives under /var/tmp instead (the
 * choice is remembered in stack.json and printed by `stack status`).
 */
export async function preparePostgresDir(settings: StackSettings): Promise<StackSettings> {
  const user = settings.postgresOsUser;
  mkdirSync(settings.postgresDir, { recursive: true });
  if (!user) return settings;
  const ids = await userIds(user);
  chownSync(settings.postgresDir, ids.uid, ids.gid);
  if (await reachableBy(user, settings.postgresDir)) return settings;
  const hash = createHash('sha256').update(settings.stateDir).digest('hex').slice(0, 12);
  const fallback = join('/var/tmp', `turnover-${userInfo().username}`, hash, 'postgres');
  mkdirSync(fallback, { recursive: true, mode: 0o755 });
  chownSync(fallback, ids.uid, ids.gid);
  if (!(await reachableBy(user, fallback))) {
    throw new PrerequisiteError(`the ${user} OS user cannot write ${fallback}; set TURNOVER_STATE_DIR to a folder it can reach`);
  }
  return Object.freeze({ ...settings, postgresDir: fallback });
}

async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const uid = await run('id', ['-u', user]);
  const gid = await run('id', ['-g', user]);
  if (uid.code !== 0) {
    throw new PrerequisiteError(
      `PostgreSQL refuses to run as root and there is no "${user}" user to run it: create one (useradd --system ${user}) or set TURNOVER_PG_OS_USER`,
    );
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function reachableBy(user: string, dir: string): Promise<boolean> {
  const result = await run('runuser', ['-u', user, '--', 'test', '-w', dir, '-a', '-x', dir]);
  return result.code === 0;
}

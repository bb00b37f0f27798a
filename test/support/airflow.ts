import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log/logger.js';
import { defaultCacheDir } from '../../src/paths.js';
import { ensureVenv, venvBin } from '../../src/setup/python-venv.js';
import { run, type RunResult } from '../../src/process/run-command.js';
import { CLI } from './cli.js';
import { PACKAGE_ROOT } from './paths.js';

export const DAGS_DIR = join(PACKAGE_ROOT, 'dags');

/** How a DAG reaches the CLI of this checkout: exactly what a user puts in the Variable `turnover_cli`. */
export const TURNOVER_CLI_COMMAND = `${process.execPath} ${CLI}`;

/**
 * A real Airflow (the pinned venv of python/requirements-airflow.txt) with a
 * throwaway AIRFLOW_HOME: SQLite metadata DB, no examples, the repository's
 * `dags/` as its DAG folder. Every call starts a fresh `airflow` process
 * (5–8 s each on this machine), so tests keep the number of calls small.
 */
export interface AirflowHome {
  readonly home: string;
  /** Environment of every call; `extraEnv` of a call is added on top. */
  readonly env: Readonly<Record<string, string>>;
  airflow(args: readonly string[], extraEnv?: Record<string, string>): Promise<RunResult>;
  /** Runs a Python script with the venv's interpreter (Airflow importable), same environment. */
  python(script: string, args: readonly string[], extraEnv?: Record<string, string>): Promise<RunResult>;
  remove(): void;
}

export async function createAirflowHome(options: { migrate?: boolean } = {}): Promise<AirflowHome> {
  const cacheDir = defaultCacheDir(process.env);
  // `npm test` builds the venv beforehand; a file run on its own builds it here (once, cached)
  await ensureVenv('airflow', cacheDir, silentLogger(), process.env);
  const home = mkdtempSync(join(tmpdir(), 'turnover-airflow-'));
  const env: Record<string, string> = {
    ...inheritedEnv(),
    AIRFLOW_HOME: home,
    AIRFLOW__CORE__DAGS_FOLDER: DAGS_DIR,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    // no __pycache__ written into the repository's dags/
    PYTHONDONTWRITEBYTECODE: '1',
  };
  const call = (program: string, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<RunResult> =>
    run(program, args, { cwd: home, env: { ...env, ...extraEnv }, timeout: 300_000 });
  const handle: AirflowHome = {
    home,
    env,
    airflow: (args, extraEnv) => call(venvBin('airflow', cacheDir, 'airflow'), args, extraEnv),
    python: (script, args, extraEnv) => call(venvBin('airflow', cacheDir, 'python'), [script, ...args], extraEnv),
    remove: () => rmSync(home, { recursive: true, force: true }),
  };
  if (options.migrate ?? true) {
    const migrated = await handle.airflow(['db', 'migrate']);
    if (migrated.code !== 0) throw new Error(`airflow db migrate failed:\n${tail(migrated)}`);
  }
  return handle;
}

/** The caller's environment without its own Airflow or turnover settings: each test says what it passes. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('AIRFLOW') && !key.startsWith('TURNOVER_')) env[key] = value;
  }
  return env;
}

/** The last lines of a call's output (or of a log), for assertion messages. */
export function tail(output: RunResult | string, lines = 40): string {
  const text = typeof output === 'string' ? output : `${output.stdout}\n${output.stderr}`;
  return text.trim().split('\n').slice(-lines).join('\n');
}

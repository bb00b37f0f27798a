import { defineCommand, defineOptions, type OptionsOf } from '../../command/command-spec.js';
import { port, positiveInt } from '../../command/parsers.js';
import { STATE_DIR_OPTION } from '../../command/shared-options.js';

/**
 * Running a local Apache Superset. The commands keep the names they have
 * always had, `turnover bi superset up|status|down`: the command table
 * (src/cli/commands.ts) grafts them beside bi's `provision`.
 */

export const SUPERSET_UP_OPTIONS = defineOptions({
  ...STATE_DIR_OPTION,
  port: {
    flags: '--port <port>',
    description: 'port of the local Superset on 127.0.0.1 (default 18088, then the port of the last up; 0 = any free port)',
    env: 'TURNOVER_SUPERSET_PORT',
    schema: port('--port'),
  },
  timeout: { flags: '--timeout <seconds>', description: 'how long to wait for /health', env: 'TURNOVER_SUPERSET_TIMEOUT', defaultValue: 300, schema: positiveInt('--timeout') },
});

export const SUPERSET_STATUS_OPTIONS = defineOptions({ ...STATE_DIR_OPTION, json: { flags: '--json', description: 'print the status as JSON' } });

export type SupersetUpOptions = OptionsOf<typeof SUPERSET_UP_OPTIONS>;
export type SupersetStatusOptions = OptionsOf<typeof SUPERSET_STATUS_OPTIONS>;
export type SupersetDirOptions = OptionsOf<typeof STATE_DIR_OPTION>;

export const SUPERSET_UP_COMMAND = defineCommand({
  name: 'up',
  summary: 'install (cached venv), initialise and start Superset on 127.0.0.1; idempotent',
  description:
    'Builds the pinned Superset venv once (python/requirements-superset.txt, cached outside the repo), keeps its ' +
    'metadata, secret key, admin credentials and log in <state>/superset/, starts gunicorn (one worker) on ' +
    '127.0.0.1 and waits until /health answers. The admin comes from TURNOVER_SUPERSET_ADMIN_USER / ' +
    'TURNOVER_SUPERSET_ADMIN_PASSWORD, or is "admin" with a random password printed once.',
  options: SUPERSET_UP_OPTIONS,
  load: async () => (await import('./run.js')).handlers.up,
  examples: ['turnover bi superset up', 'TURNOVER_SUPERSET_ADMIN_PASSWORD=… turnover bi superset up --port 8088'],
});

export const SUPERSET_STATUS_COMMAND = defineCommand({
  name: 'status',
  summary: 'exit 0 only when the local Superset is up and healthy',
  options: SUPERSET_STATUS_OPTIONS,
  load: async () => (await import('./run.js')).handlers.status,
});

export const SUPERSET_DOWN_COMMAND = defineCommand({
  name: 'down',
  summary: 'stop the local Superset (its metadata is kept)',
  options: STATE_DIR_OPTION,
  load: async () => (await import('./run.js')).handlers.down,
});

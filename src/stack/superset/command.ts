import type { CommandSpec } from '../../command/command-spec.js';
import { port, positiveInt } from '../../command/parsers.js';
import { STATE_DIR_OPTION } from '../../command/shared-options.js';

/**
 * Running a local Apache Superset. The commands keep the names they have
 * always had, `turnover bi superset up|status|down`: the command table
 * (src/cli/commands.ts) grafts them beside bi's `provision`.
 */

const load = (action: 'up' | 'status' | 'down') => async () => (await import('./run.js')).handlers[action];

export const SUPERSET_UP_COMMAND: CommandSpec = {
  name: 'up',
  summary: 'install (cached venv), initialise and start Superset on 127.0.0.1; idempotent',
  description:
    'Builds the pinned Superset venv once (python/requirements-superset.txt, cached outside the repo), keeps its ' +
    'metadata, secret key, admin credentials and log in <state>/superset/, starts gunicorn (one worker) on ' +
    '127.0.0.1 and waits until /health answers. The admin comes from TURNOVER_SUPERSET_ADMIN_USER / ' +
    'TURNOVER_SUPERSET_ADMIN_PASSWORD, or is "admin" with a random password printed once.',
  options: [
    STATE_DIR_OPTION,
    {
      flags: '--port <port>',
      description: 'port of the local Superset on 127.0.0.1 (default 18088, then the port of the last up; 0 = any free port)',
      env: 'TURNOVER_SUPERSET_PORT',
      parse: port('--port'),
    },
    { flags: '--timeout <seconds>', description: 'how long to wait for /health', env: 'TURNOVER_SUPERSET_TIMEOUT', defaultValue: 300, parse: positiveInt('--timeout') },
  ],
  load: load('up'),
  examples: ['turnover bi superset up', 'TURNOVER_SUPERSET_ADMIN_PASSWORD=… turnover bi superset up --port 8088'],
};

export const SUPERSET_STATUS_COMMAND: CommandSpec = {
  name: 'status',
  summary: 'exit 0 only when the local Superset is up and healthy',
  options: [STATE_DIR_OPTION, { flags: '--json', description: 'print the status as JSON' }],
  load: load('status'),
};

export const SUPERSET_DOWN_COMMAND: CommandSpec = {
  name: 'down',
  summary: 'stop the local Superset (its metadata is kept)',
  options: [STATE_DIR_OPTION],
  load: load('down'),
};

import type { CommandSpec } from '../command/command-spec.js';
import { STACK_COMMAND } from '../stack/command.js';
import { MIGRATE_COMMAND } from '../migrate/command.js';
import { GENERATE_COMMAND, REPLAY_COMMAND } from '../generator/command.js';
import { VALIDATE_COMMAND } from '../validate/command.js';
import { INGEST_COMMAND } from '../ingest/command.js';
import { LOAD_STG_COMMAND } from '../staging/command.js';
import { BUILD_MARTS_COMMAND } from '../marts/command.js';
import { DASHBOARD_COMMAND } from '../dashboard/command.js';
import { BI_COMMAND } from '../bi/command.js';
import { UP_COMMAND } from '../runner/command.js';
import { SETUP_COMMAND } from '../setup/command.js';

/**
 * Every subcommand of SPEC §5. Names are fixed: docs, DAGs and operators call them.
 * Each stage declares its own spec next to its code; handlers load lazily.
 */
export const ROOT_COMMAND: CommandSpec = {
  name: 'turnover',
  summary: 'streaming turnover analytics: Kafka -> PostgreSQL landing -> warehouse STG -> marts -> dashboards',
  options: [
    { flags: '--log-level <level>', description: 'log level', env: 'TURNOVER_LOG_LEVEL', defaultValue: 'info', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    { flags: '--log-format <format>', description: 'log format on stderr', env: 'TURNOVER_LOG_FORMAT', defaultValue: 'text', choices: ['text', 'json'] },
  ],
  subcommands: [
    STACK_COMMAND,
    MIGRATE_COMMAND,
    GENERATE_COMMAND,
    REPLAY_COMMAND,
    VALIDATE_COMMAND,
    INGEST_COMMAND,
    LOAD_STG_COMMAND,
    BUILD_MARTS_COMMAND,
    DASHBOARD_COMMAND,
    BI_COMMAND,
    UP_COMMAND,
    SETUP_COMMAND,
  ],
};

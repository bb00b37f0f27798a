import { defineOptions, type CommandSpec } from '../command/command-spec.js';
import { STACK_COMMAND } from '../stack/command.js';
import { MIGRATE_COMMAND } from '../migrate/command.js';
import { GENERATE_COMMAND, REPLAY_COMMAND } from '../generator/command.js';
import { VALIDATE_COMMAND } from '../validate/command.js';
import { INGEST_COMMAND } from '../ingest/command.js';
import { LOAD_STG_COMMAND } from '../staging/command.js';
import { BUILD_MARTS_COMMAND } from '../marts/command.js';
import { DASHBOARD_COMMAND } from '../dashboard/command.js';
import { BI_COMMAND } from '../bi/command.js';
import { SUPERSET_DOWN_COMMAND, SUPERSET_STATUS_COMMAND, SUPERSET_UP_COMMAND } from '../stack/superset/command.js';
import { UP_COMMAND } from '../runner/command.js';
import { SETUP_COMMAND } from '../setup/command.js';
import { DOCTOR_COMMAND } from '../doctor/command.js';

/**
 * `turnover bi superset up|status|down` run the local Superset server, which
 * is the stack's (src/stack/superset/); `provision` is bi's. The commands keep
 * the names and the --help order they always had.
 */
const BI = withSubcommands(BI_COMMAND, ['superset'], (own) => [SUPERSET_UP_COMMAND, ...own, SUPERSET_STATUS_COMMAND, SUPERSET_DOWN_COMMAND]);

/** Options of every command: how it logs (read by the entry point, src/cli/main.ts). */
export const ROOT_OPTIONS = defineOptions({
  logLevel: { flags: '--log-level <level>', description: 'log level', env: 'TURNOVER_LOG_LEVEL', defaultValue: 'info', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  logFormat: { flags: '--log-format <format>', description: 'log format on stderr', env: 'TURNOVER_LOG_FORMAT', defaultValue: 'text', choices: ['text', 'json'] },
});

/**
 * Every subcommand of SPEC §5. Names are fixed: docs, DAGs and operators call them.
 * Each stage declares its own spec next to its code; handlers load lazily.
 */
export const ROOT_COMMAND: CommandSpec = {
  name: 'turnover',
  summary: 'streaming turnover analytics: Kafka -> PostgreSQL landing -> warehouse STG -> marts -> dashboards',
  options: ROOT_OPTIONS,
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
    BI,
    UP_COMMAND,
    SETUP_COMMAND,
    DOCTOR_COMMAND,
  ],
};

/** `spec` with the subcommands of the group at `path` rearranged (`arrange` gets the group's own). */
function withSubcommands(spec: CommandSpec, path: readonly string[], arrange: (own: readonly CommandSpec[]) => CommandSpec[]): CommandSpec {
  const [name, ...rest] = path;
  const subcommands = (spec.subcommands ?? []).map((sub) => {
    if (sub.name !== name) return sub;
    return rest.length > 0 ? withSubcommands(sub, rest, arrange) : { ...sub, subcommands: arrange(sub.subcommands ?? []) };
  });
  return { ...spec, subcommands };
}

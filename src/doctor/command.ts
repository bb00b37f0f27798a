import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';
import { port } from '../command/parsers.js';
import { KAFKA_GROUP_OPTION, KAFKA_OPTIONS, LANDING_URL_OPTION, STATE_DIR_OPTION, WAREHOUSE_URL_OPTION } from '../command/shared-options.js';

export const DOCTOR_OPTIONS = defineOptions({
  ...STATE_DIR_OPTION,
  ...LANDING_URL_OPTION,
  ...WAREHOUSE_URL_OPTION,
  ...KAFKA_OPTIONS,
  ...KAFKA_GROUP_OPTION,
  dashboardPort: { flags: '--dashboard-port <port>', description: 'the dashboard port to look at', env: 'TURNOVER_DASHBOARD_PORT', defaultValue: 18080, schema: port('--dashboard-port') },
  json: { flags: '--json', description: 'print the checks as JSON' },
});

export type DoctorOptions = OptionsOf<typeof DOCTOR_OPTIONS>;

export const DOCTOR_COMMAND = defineCommand({
  name: 'doctor',
  summary: 'one screen: prerequisites, ports, the local stack, Kafka lag, the last STG load and mart build; exit status says what is wrong',
  description:
    'Checks what the pipeline needs and how it is doing, and prints one line per check: ok, warn (works, but look) or FAIL. ' +
    'The pipeline is the one TURNOVER_LANDING_URL / TURNOVER_WAREHOUSE_URL / TURNOVER_KAFKA_BROKERS name, or the running ' +
    'local stack when they are not set. Exit status (docs/operations.md): 0 when nothing failed (warnings allowed), else the ' +
    'most basic failure: 4 a prerequisite, 3 configuration (bad URL, schema missing), 5 a server not answering, 6 the ' +
    'local stack not running.',
  options: DOCTOR_OPTIONS,
  examples: ['turnover doctor', 'eval "$(turnover stack env)" && turnover doctor --json'],
  load: async () => (await import('./run.js')).doctor,
});

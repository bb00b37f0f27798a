import type { CommandSpec, OptionSpec } from '../command/command-spec.js';
import { port } from '../command/parsers.js';
import { STATE_DIR_OPTION } from '../command/shared-options.js';

export const STACK_PORT_OPTIONS: readonly OptionSpec[] = [
  { flags: '--kafka-port <port>', description: 'Kafka listener port (0 = any free port; the controller takes the next one)', env: 'TURNOVER_STACK_KAFKA_PORT', parse: port('--kafka-port') },
  { flags: '--postgres-port <port>', description: 'PostgreSQL port (0 = any free port)', env: 'TURNOVER_STACK_POSTGRES_PORT', parse: port('--postgres-port') },
];

const load = (action: 'up' | 'down' | 'status' | 'env') => async () => (await import('./run.js')).handlers[action];

export const STACK_COMMAND: CommandSpec = {
  name: 'stack',
  summary: 'the local single-node Kafka (KRaft) + PostgreSQL stack',
  description:
    'The embedded local default: a real Apache Kafka broker from Maven Central jars and a real PostgreSQL from npm binaries, ' +
    'state under TURNOVER_STATE_DIR. Needs JDK 17+ and Maven (first start only, to fetch the jars).',
  subcommands: [
    {
      name: 'up',
      summary: 'start Kafka and PostgreSQL (idempotent) and wait until both are healthy',
      options: [
        STATE_DIR_OPTION,
        ...STACK_PORT_OPTIONS,
        { flags: '--kafka-heap <size>', description: 'broker JVM heap', env: 'TURNOVER_STACK_KAFKA_HEAP', defaultValue: '512m' },
      ],
      load: load('up'),
      examples: ['turnover stack up', 'TURNOVER_STATE_DIR=/tmp/t turnover stack up --kafka-port 0 --postgres-port 0'],
    },
    { name: 'down', summary: 'stop both servers cleanly (data is kept)', options: [STATE_DIR_OPTION], load: load('down') },
    {
      name: 'status',
      summary: 'show both servers; exit 0 only when both are healthy',
      options: [STATE_DIR_OPTION, { flags: '--json', description: 'print the status as JSON' }],
      load: load('status'),
    },
    {
      name: 'env',
      summary: 'print export lines for the running stack',
      options: [STATE_DIR_OPTION],
      load: load('env'),
      examples: ['eval "$(npx turnover stack env)"'],
    },
  ],
};

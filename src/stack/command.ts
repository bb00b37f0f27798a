import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';
import { port } from '../command/parsers.js';
import { STATE_DIR_OPTION } from '../command/shared-options.js';

export const STACK_PORT_OPTIONS = defineOptions({
  kafkaPort: { flags: '--kafka-port <port>', description: 'Kafka listener port (0 = any free port; the controller takes the next one)', env: 'TURNOVER_STACK_KAFKA_PORT', schema: port('--kafka-port') },
  postgresPort: { flags: '--postgres-port <port>', description: 'PostgreSQL port (0 = any free port)', env: 'TURNOVER_STACK_POSTGRES_PORT', schema: port('--postgres-port') },
});

export const STACK_UP_OPTIONS = defineOptions({
  ...STATE_DIR_OPTION,
  ...STACK_PORT_OPTIONS,
  kafkaHeap: { flags: '--kafka-heap <size>', description: 'broker JVM heap', env: 'TURNOVER_STACK_KAFKA_HEAP', defaultValue: '512m' },
});

export const STACK_STATUS_OPTIONS = defineOptions({ ...STATE_DIR_OPTION, json: { flags: '--json', description: 'print the status as JSON' } });

export type StackUpOptions = OptionsOf<typeof STACK_UP_OPTIONS>;
export type StackStatusOptions = OptionsOf<typeof STACK_STATUS_OPTIONS>;
export type StackDirOptions = OptionsOf<typeof STATE_DIR_OPTION>;

export const STACK_COMMAND = defineCommand({
  name: 'stack',
  summary: 'the local single-node Kafka (KRaft) + PostgreSQL stack',
  description:
    'The embedded local default: a real Apache Kafka broker from Maven Central jars and a real PostgreSQL from npm binaries, ' +
    'state under TURNOVER_STATE_DIR. Needs JDK 17+ and Maven (first start only, to fetch the jars).',
  subcommands: [
    defineCommand({
      name: 'up',
      summary: 'start Kafka and PostgreSQL (idempotent) and wait until both are healthy',
      options: STACK_UP_OPTIONS,
      load: async () => (await import('./run.js')).handlers.up,
      examples: ['turnover stack up', 'TURNOVER_STATE_DIR=/tmp/t turnover stack up --kafka-port 0 --postgres-port 0'],
    }),
    defineCommand({ name: 'down', summary: 'stop both servers cleanly (data is kept)', options: STATE_DIR_OPTION, load: async () => (await import('./run.js')).handlers.down }),
    defineCommand({
      name: 'status',
      summary: 'show both servers; exit 0 only when both are healthy',
      options: STACK_STATUS_OPTIONS,
      load: async () => (await import('./run.js')).handlers.status,
    }),
    defineCommand({
      name: 'env',
      summary: 'print export lines for the running stack',
      options: STATE_DIR_OPTION,
      load: async () => (await import('./run.js')).handlers.env,
      examples: ['eval "$(npx turnover stack env)"'],
    }),
  ],
});

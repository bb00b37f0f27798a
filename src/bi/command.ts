import { defineCommand, defineOptions, type OptionsOf } from '../command/command-spec.js';
import { positiveInt } from '../command/parsers.js';
import { BI_WAREHOUSE_URL_ENV, STATE_DIR_OPTION, WAREHOUSE_URL_OPTION } from '../command/shared-options.js';

const DEFINITION_OPTION = defineOptions({
  definition: {
    flags: '--definition <file>',
    description: 'the dashboard definition (default: bi/turnover.yaml of the package)',
    env: 'TURNOVER_BI_DEFINITION',
  },
});

const BI_WAREHOUSE_URL_OPTIONS = defineOptions({
  warehouseUrl: {
    flags: '--warehouse-url <url>',
    description:
      'the warehouse as the BI tool queries it, with a read-only login (postgres://… or vertica://…); ' +
      'the local stack exports one limited to the marts. Without it: TURNOVER_WAREHOUSE_URL, with a warning',
    env: BI_WAREHOUSE_URL_ENV,
  },
  // the fallback, read from the pipeline's own variable (hidden: --warehouse-url is the flag to use)
  pipelineWarehouseUrl: { ...WAREHOUSE_URL_OPTION.warehouseUrl, flags: '--pipeline-warehouse-url <url>', hidden: true },
});

const RETRY_FOR_OPTION = defineOptions({
  retryFor: {
    flags: '--retry-for <seconds>',
    description: 'how long a request the BI tool does not answer (5xx, 429, a dropped or refused connection, a timeout) is retried before giving up with exit 5 (default 60)',
    env: 'TURNOVER_BI_RETRY_FOR',
    schema: positiveInt('--retry-for'),
  },
});

export const SUPERSET_PROVISION_OPTIONS = defineOptions({
  supersetUrl: { flags: '--superset-url <url>', description: 'a Superset to provision (default: the local one of the state dir)', env: 'TURNOVER_SUPERSET_URL' },
  ...BI_WAREHOUSE_URL_OPTIONS,
  ...DEFINITION_OPTION,
  ...STATE_DIR_OPTION,
  ...RETRY_FOR_OPTION,
});

export const METABASE_PROVISION_OPTIONS = defineOptions({
  url: { flags: '--url <url>', description: 'Metabase base URL, e.g. https://metabase.example.com', env: 'TURNOVER_METABASE_URL' },
  user: { flags: '--user <email>', description: 'Metabase user (an admin, to create the database)', env: 'TURNOVER_METABASE_USER' },
  password: { flags: '--password <password>', description: 'the user\'s password (or TURNOVER_METABASE_PASSWORD)', env: 'TURNOVER_METABASE_PASSWORD' },
  ...BI_WAREHOUSE_URL_OPTIONS,
  ...DEFINITION_OPTION,
  ...RETRY_FOR_OPTION,
});

export type SupersetProvisionOptions = OptionsOf<typeof SUPERSET_PROVISION_OPTIONS>;
export type MetabaseProvisionOptions = OptionsOf<typeof METABASE_PROVISION_OPTIONS>;

export const BI_COMMAND = defineCommand({
  name: 'bi',
  summary: 'BI tools\' dashboards as code (Apache Superset, Metabase)',
  description: 'One definition (bi/turnover.yaml: datasets over cdm.*, charts, layout) provisioned into Superset or Metabase through their REST APIs. See docs/bi.md.',
  subcommands: [
    {
      // up|status|down, which run the local server, are grafted beside provision by src/cli/commands.ts
      name: 'superset',
      summary: 'a local Apache Superset with the turnover dashboard',
      subcommands: [
        defineCommand({
          name: 'provision',
          summary: 'create or update the connection, datasets, charts and dashboard (REST API, idempotent)',
          description:
            'Logs in (TURNOVER_SUPERSET_ADMIN_USER/_PASSWORD, else the local Superset\'s kept admin), then creates or updates ' +
            'the warehouse connection (postgres:// -> postgresql+psycopg2://, vertica:// -> vertica+vertica_python://), ' +
            'one virtual dataset per SQL file of the definition, the charts and the dashboard, found again by the ' +
            'definition\'s uuids. A second run changes nothing.',
          options: SUPERSET_PROVISION_OPTIONS,
          load: async () => (await import('./superset/run.js')).handlers.provision,
          examples: [
            'eval "$(npx turnover stack env)" && npx turnover bi superset provision',
            'TURNOVER_SUPERSET_ADMIN_USER=… TURNOVER_SUPERSET_ADMIN_PASSWORD=… turnover bi superset provision --superset-url https://bi.example.com --warehouse-url vertica://dbadmin:…@vertica:5433/dwh',
          ],
        }),
      ],
    },
    {
      name: 'metabase',
      summary: 'Metabase dashboards as code',
      subcommands: [
        defineCommand({
          name: 'provision',
          summary: 'create or update the turnover dashboard through Metabase\'s REST API (idempotent)',
          description:
            'Logs in (POST /api/session), then creates or updates the warehouse database, one native-SQL question per chart of the ' +
            'definition (in its own collection) and the dashboard with its cards. The password comes from --password or ' +
            'TURNOVER_METABASE_PASSWORD (prefer the variable: a flag shows in ps). Written against Metabase\'s documented API ' +
            '(0.50+) and tested against a fake of it: not run against a live Metabase (docs/bi.md).',
          options: METABASE_PROVISION_OPTIONS,
          load: async () => (await import('./metabase/run.js')).provision,
          examples: ['TURNOVER_METABASE_PASSWORD=… turnover bi metabase provision --url https://metabase.example.com --user admin@example.com --warehouse-url vertica://…'],
        }),
      ],
    },
  ],
});

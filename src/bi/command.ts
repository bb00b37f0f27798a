import type { CommandSpec, OptionSpec } from '../command/command-spec.js';
import { positiveInt } from '../command/parsers.js';
import { BI_WAREHOUSE_URL_ENV, STATE_DIR_OPTION } from '../command/shared-options.js';

const DEFINITION_OPTION: OptionSpec = {
  flags: '--definition <file>',
  description: 'the dashboard definition (default: bi/turnover.yaml of the package)',
  env: 'TURNOVER_BI_DEFINITION',
};

const BI_WAREHOUSE_URL_OPTION: OptionSpec = {
  flags: '--warehouse-url <url>',
  description:
    'the warehouse as the BI tool queries it, with a read-only login (postgres://… or vertica://…); ' +
    'the local stack exports one limited to the marts. Without it: TURNOVER_WAREHOUSE_URL, with a warning',
  env: BI_WAREHOUSE_URL_ENV,
};

const RETRY_FOR_OPTION: OptionSpec = {
  flags: '--retry-for <seconds>',
  description: 'how long a request the BI tool does not answer (5xx, 429, a dropped or refused connection, a timeout) is retried before giving up with exit 5 (default 60)',
  env: 'TURNOVER_BI_RETRY_FOR',
  parse: positiveInt('--retry-for'),
};

export const BI_COMMAND: CommandSpec = {
  name: 'bi',
  summary: 'BI tools\' dashboards as code (Apache Superset, Metabase)',
  description: 'One definition (bi/turnover.yaml: datasets over cdm.*, charts, layout) provisioned into Superset or Metabase through their REST APIs. See docs/bi.md.',
  subcommands: [
    {
      // up|status|down, which run the local server, are grafted beside provision by src/cli/commands.ts
      name: 'superset',
      summary: 'a local Apache Superset with the turnover dashboard',
      subcommands: [
        {
          name: 'provision',
          summary: 'create or update the connection, datasets, charts and dashboard (REST API, idempotent)',
          description:
            'Logs in (TURNOVER_SUPERSET_ADMIN_USER/_PASSWORD, else the local Superset\'s kept admin), then creates or updates ' +
            'the warehouse connection (postgres:// -> postgresql+psycopg2://, vertica:// -> vertica+vertica_python://), ' +
            'one virtual dataset per SQL file of the definition, the charts and the dashboard, found again by the ' +
            'definition\'s uuids. A second run changes nothing.',
          options: [
            { flags: '--superset-url <url>', description: 'a Superset to provision (default: the local one of the state dir)', env: 'TURNOVER_SUPERSET_URL' },
            BI_WAREHOUSE_URL_OPTION,
            DEFINITION_OPTION,
            STATE_DIR_OPTION,
            RETRY_FOR_OPTION,
          ],
          load: async () => (await import('./superset/run.js')).handlers.provision,
          examples: [
            'eval "$(npx turnover stack env)" && npx turnover bi superset provision',
            'TURNOVER_SUPERSET_ADMIN_USER=… TURNOVER_SUPERSET_ADMIN_PASSWORD=… turnover bi superset provision --superset-url https://bi.example.com --warehouse-url vertica://dbadmin:…@vertica:5433/dwh',
          ],
        },
      ],
    },
    {
      name: 'metabase',
      summary: 'Metabase dashboards as code',
      subcommands: [
        {
          name: 'provision',
          summary: 'create or update the turnover dashboard through Metabase\'s REST API (idempotent)',
          description:
            'Logs in (POST /api/session), then creates or updates the warehouse database, one native-SQL question per chart of the ' +
            'definition (in its own collection) and the dashboard with its cards. The password comes from --password or ' +
            'TURNOVER_METABASE_PASSWORD (prefer the variable: a flag shows in ps). Written against Metabase\'s documented API ' +
            '(0.50+) and tested against a fake of it: not run against a live Metabase (docs/bi.md).',
          options: [
            { flags: '--url <url>', description: 'Metabase base URL, e.g. https://metabase.example.com', env: 'TURNOVER_METABASE_URL' },
            { flags: '--user <email>', description: 'Metabase user (an admin, to create the database)', env: 'TURNOVER_METABASE_USER' },
            { flags: '--password <password>', description: 'the user\'s password (or TURNOVER_METABASE_PASSWORD)', env: 'TURNOVER_METABASE_PASSWORD' },
            BI_WAREHOUSE_URL_OPTION,
            DEFINITION_OPTION,
            RETRY_FOR_OPTION,
          ],
          load: async () => (await import('./metabase/run.js')).provision,
          examples: ['TURNOVER_METABASE_PASSWORD=… turnover bi metabase provision --url https://metabase.example.com --user admin@example.com --warehouse-url vertica://…'],
        },
      ],
    },
  ],
};

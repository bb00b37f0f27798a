import type { CommandSpec } from '../cli/command-spec.js';
import { notImplemented } from '../cli/not-implemented.js';

const superset = (name: string, summary: string): CommandSpec => ({ name, summary, load: notImplemented(`bi superset ${name}`) });

export const BI_COMMAND: CommandSpec = {
  name: 'bi',
  summary: 'BI tools\' dashboards as code (Apache Superset, Metabase)',
  subcommands: [
    {
      name: 'superset',
      summary: 'a local Apache Superset with the turnover dashboard',
      subcommands: [
        superset('up', 'install (cached venv), initialise and start Superset on 127.0.0.1'),
        superset('provision', 'create or update the connection, datasets, charts and dashboard'),
        superset('status', 'exit 0 when Superset is up and healthy'),
        superset('down', 'stop the local Superset'),
      ],
    },
    {
      name: 'metabase',
      summary: 'Metabase dashboards as code',
      subcommands: [{ name: 'provision', summary: 'create or update the turnover dashboard through Metabase\'s REST API', load: notImplemented('bi metabase provision') }],
    },
  ],
};

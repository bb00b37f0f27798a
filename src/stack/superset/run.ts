import type { Handler } from '../../command/command-spec.js';
import { EXIT_CODES } from '../../errors.js';
import { childEnv } from '../../process/child-env.js';
import type { SupersetDirOptions, SupersetStatusOptions, SupersetUpOptions } from './command.js';
import { LocalSuperset } from './superset-server.js';
import { resolveSupersetSettings, supersetInitialised, type SupersetSettingsInput } from './superset-settings.js';

/** The local Superset of these options; its venv's tools and gunicorn start with this process's environment. */
async function supersetFor(options: SupersetSettingsInput): Promise<LocalSuperset> {
  const env = childEnv();
  return new LocalSuperset(await resolveSupersetSettings(options, env), env);
}

const megabytes = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

const up: Handler<SupersetUpOptions> = async (input, context) => {
  const superset = await supersetFor(input.options);
  const result = await superset.up(context.logger, context.signal);
  const out = context.stdout;
  if (!result.started) {
    out.write(`Superset already running: ${result.url}\n`);
    return 0;
  }
  out.write(`Superset: ${result.url}  (state ${superset.settings.dir}, log ${superset.logFile})\n`);
  if (result.generatedPassword) {
    out.write(`admin user "${result.admin.user}", password ${result.admin.password}\n`);
    out.write(`  (generated once and kept, 0600, in ${superset.settings.dir}/admin.json; set TURNOVER_SUPERSET_ADMIN_USER/_PASSWORD to choose them)\n`);
  } else {
    out.write(`admin user "${result.admin.user}" (password from TURNOVER_SUPERSET_ADMIN_PASSWORD)\n`);
  }
  out.write('next: turnover bi superset provision\n');
  return 0;
};

const status: Handler<SupersetStatusOptions> = async (input, context) => {
  const superset = await supersetFor(input.options);
  const s = await superset.status();
  if (input.options.json) {
    context.stdout.write(`${JSON.stringify({ ...s, dir: superset.settings.dir })}\n`);
  } else if (!supersetInitialised(superset.settings.dir)) {
    context.stdout.write(`no Superset in ${superset.settings.dir} yet: run \`turnover bi superset up\`\n`);
  } else {
    const state = s.healthy ? 'healthy' : s.pid ? 'running, not answering /health' : 'stopped';
    context.stdout.write(`superset  ${state.padEnd(31)} ${s.url}  ${s.pid ? `pid ${s.pid}, ${megabytes(s.rssBytes)} RSS` : ''}\n`);
  }
  // exit 6, as for the Kafka + PostgreSQL stack: a local server is not running or not answering
  return s.healthy ? 0 : EXIT_CODES.STACK;
};

const down: Handler<SupersetDirOptions> = async (input, context) => {
  const superset = await supersetFor(input.options);
  const stopped = await superset.down(context.logger);
  context.stdout.write(stopped ? 'Superset stopped\n' : 'Superset is not running\n');
};

export const handlers = { up, status, down } as const;

import type { CommandContext, CommandInput, Handler } from '../../command/command-spec.js';
import { LocalSuperset } from './superset-server.js';
import { resolveSupersetSettings, supersetInitialised } from './superset-settings.js';

async function supersetFor(input: CommandInput, context: CommandContext): Promise<LocalSuperset> {
  const settings = await resolveSupersetSettings(input.options, context.env);
  return new LocalSuperset(settings, context.env);
}

const megabytes = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;

const up: Handler = async (input, context) => {
  const superset = await supersetFor(input, context);
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

const status: Handler = async (input, context) => {
  const superset = await supersetFor(input, context);
  const s = await superset.status();
  if (input.options.json) {
    context.stdout.write(`${JSON.stringify({ ...s, dir: superset.settings.dir })}\n`);
  } else if (!supersetInitialised(superset.settings.dir)) {
    context.stdout.write(`no Superset in ${superset.settings.dir} yet: run \`turnover bi superset up\`\n`);
  } else {
    const state = s.healthy ? 'healthy' : s.pid ? 'running, not answering /health' : 'stopped';
    context.stdout.write(`superset  ${state.padEnd(31)} ${s.url}  ${s.pid ? `pid ${s.pid}, ${megabytes(s.rssBytes)} RSS` : ''}\n`);
  }
  return s.healthy ? 0 : 1;
};

const down: Handler = async (input, context) => {
  const superset = await supersetFor(input, context);
  const stopped = await superset.down(context.logger);
  context.stdout.write(stopped ? 'Superset stopped\n' : 'Superset is not running\n');
};

export const handlers = { up, status, down } as const;

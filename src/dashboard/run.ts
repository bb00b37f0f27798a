import type { Handler } from '../command/command-spec.js';
import { startDashboard } from './dashboard.js';
import { isLoopback, resolveDashboardConfig } from './options.js';
import type { DashboardOptions } from './command.js';

/** `turnover dashboard`: serves until SIGINT/SIGTERM, then closes connections and exits 0. */
export const dashboardCommand: Handler<DashboardOptions> = async (input, context) => {
  const config = resolveDashboardConfig(input.options, context.secrets, context.testHooks);
  if (!isLoopback(config.host)) {
    context.logger.warn({ host: config.host }, 'listening beyond loopback: anyone who can reach this address sees the dashboard (read-only, no login)');
  }
  const dashboard = await startDashboard(config, context.logger);
  context.stdout.write(`dashboard: ${dashboard.url}\n`);
  context.logger.info({ url: dashboard.url }, 'dashboard serving; Ctrl-C to stop');
  if (!context.signal.aborted) await new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }));
  await dashboard.close();
  context.logger.info('dashboard stopped');
  return 0;
};

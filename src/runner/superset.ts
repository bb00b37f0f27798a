import type { Logger } from '../log/logger.js';

/**
 * `turnover up --with-superset`: the local Apache Superset of the state dir,
 * started and provisioned beside the pipeline (about a minute on first
 * start, so it runs in the background while the pipeline already works).
 * Returns a stop function for the runner's shutdown.
 */
export async function startSuperset(options: {
  readonly stateDir: string;
  readonly warehouseUrl: string;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly stdout: NodeJS.WritableStream;
}): Promise<() => Promise<void>> {
  const [{ supersetUp, supersetDown }, { provisionSuperset }] = await Promise.all([import('../stack/index.js'), import('../bi/index.js')]);
  const { stateDir, logger, stdout } = options;
  logger.info('starting Apache Superset (the first start installs its venv and takes a few minutes)');
  const up = await supersetUp({ stateDir, logger, signal: options.signal });
  const report = await provisionSuperset({ logger, warehouseUrl: options.warehouseUrl, stateDir });
  stdout.write(`\nSuperset: ${report.dashboardUrl} (user ${up.admin.user}${up.generatedPassword ? `, password ${up.admin.password} — shown once, kept in ${stateDir}/superset/` : ''})\n`);
  return async () => {
    if (up.started) await supersetDown({ stateDir, logger });
  };
}

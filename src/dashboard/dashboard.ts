import type { Logger } from '../log/logger.js';
import { openWarehouse } from '../warehouse/index.js';
import { dashboardApi } from './api.js';
import { LandingProbe } from './landing-probe.js';
import type { DashboardConfig } from './options.js';
import { DashboardQueries } from './queries.js';
import { READ_ONLY_DEFAULTS, ReadOnlyWarehouse } from './read-only-warehouse.js';
import { startServer, type DashboardServer } from './server.js';
import { loadStaticFiles } from './static-files.js';

/**
 * The dashboard as a whole: the warehouse (read-only session), the optional
 * landing/Kafka probe, the API and the page, served until `close`. The
 * warehouse is not contacted before the first request: the dashboard starts
 * while it is down and recovers when it comes back.
 */
export async function startDashboard(config: DashboardConfig, logger: Logger): Promise<DashboardServer> {
  const warehouse = await openWarehouse(config.warehouseUrl, logger);
  const readOnly = new ReadOnlyWarehouse(warehouse, logger, {
    size: READ_ONLY_DEFAULTS.size,
    statementTimeoutMs: Math.round(config.statementTimeoutSeconds * 1000),
    maxWaiting: config.maxWaiting,
  });
  const probe = new LandingProbe(config, logger);
  let server: DashboardServer;
  try {
    server = await startServer({
      host: config.host,
      port: config.port,
      endpoints: dashboardApi(new DashboardQueries(readOnly), probe, { refreshSeconds: config.refreshSeconds, dialect: warehouse.dialect, now: config.now }),
      files: loadStaticFiles(),
      logger,
    });
  } catch (error) {
    await Promise.all([probe.close(), readOnly.close().then(() => warehouse.close())]);
    throw error;
  }
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await Promise.all([probe.close(), readOnly.close().then(() => warehouse.close())]);
    },
  };
}

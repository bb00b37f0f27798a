import type { Handler } from '../command/command-spec.js';
import { operationalError } from '../db/operational-error.js';
import { retryWhileUnavailable } from '../retry/retry-unavailable.js';
import { PausePoint } from '../test-hooks/pause-point.js';
import { openWarehouse } from '../warehouse/index.js';
import { buildMarts, describeDays } from './build.js';
import { verifyCommand } from './verify.js';
import { parallelFor, resolveBuildMartsConfig } from './options.js';
import type { BuildSummary } from './types.js';
import type { BuildMartsOptions } from './command.js';

export const buildMartsCommand: Handler<BuildMartsOptions> = async (input, context) => {
  const config = resolveBuildMartsConfig(input.options, context.testHooks);
  if (config.verify) return verifyCommand(config, context);
  const pause = new PausePoint(config.pauseAt);
  let retries = 0;
  let earlierSteps = 0;
  const summary = await retryWhileUnavailable(
    { what: 'build-marts', timeoutMs: config.unavailableTimeoutMs, signal: context.signal, logger: context.logger, onRetry: () => (retries += 1) },
    async (progressed) => {
      // each attempt plans again from the queue: the days an earlier attempt committed consumed their rows
      const warehouse = await openWarehouse(config.warehouseUrl, context.logger);
      try {
        return await buildMarts(
          warehouse,
          {
            ...(config.interval ? { interval: config.interval } : {}),
            daysPerTransaction: config.daysPerTransaction,
            parallel: parallelFor(config, warehouse.dialect),
            dryRun: config.dryRun,
            signal: context.signal,
            progressed: () => {
              earlierSteps += 1;
              progressed();
            },
            pause,
          },
          context.logger,
        ).catch((error: unknown) => {
          throw operationalError(error, 'build-marts');
        });
      } finally {
        await warehouse.close().catch(() => undefined);
      }
    },
  );
  const resumed = retries === 0 ? '' : `; resumed ${retries} times after the warehouse became unavailable (${earlierSteps - summary.stepsDone} transactions committed before the last attempt)`;
  context.stdout.write(`${summaryLine(summary, config.dryRun)}${resumed}\n`);
  return summary.interrupted ? 130 : 0;
};

export function summaryLine(summary: BuildSummary, dryRun: boolean): string {
  const { plan } = summary;
  const source = plan.mode === 'queue' ? 'days touched since the last build' : 'interval';
  if (plan.days.length === 0) {
    const consumed = summary.consumed > 0 ? ` (consumed ${summary.consumed} queue entries for days not built yet)` : '';
    return plan.mode === 'queue' ? `nothing to build: no days touched since the last build${consumed}` : 'nothing to build';
  }
  const drivers = plan.driversOnly.length > 0 ? ` + drivers of ${describeDays(plan.driversOnly)}` : '';
  const days = `${plan.days.length} day${plan.days.length === 1 ? '' : 's'} (${describeDays(plan.days)})${drivers}`;
  if (dryRun) return `would build ${days} [${source}, ${plan.steps.length} transactions]`;
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const failed =
    summary.failed.length === 0
      ? ''
      : `; the warehouse refused ${summary.failed.length} day${summary.failed.length === 1 ? '' : 's'} for their data, left as last built and recorded in cdm.build_failures: ` +
        summary.failed.map((f) => `${f.day} (SQLSTATE ${f.sqlstate})`).join(', ');
  if (summary.interrupted) return `interrupted after ${summary.stepsDone}/${plan.steps.length} transactions of ${days}; every committed day is whole, rerun to finish${failed}`;
  return `built ${days} in ${seconds} s [${source}]; consumed ${summary.consumed} queue entries${failed}`;
}

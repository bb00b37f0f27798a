import { Registry } from 'prom-client';
import type { CommandContext, Handler } from '../command/command-spec.js';
import { runIngester } from './ingester.js';
import { ingestConfigFrom } from './options.js';
import { OffsetResetMetrics, serveMetrics } from './reset-metrics.js';
import { sparkOffsetCheck, sparkRetentionGap } from './spark-offsets.js';
import type { IngestConfig } from './types.js';

export const ingest: Handler = async (input, context) => {
  const config = ingestConfigFrom(input.options, context.env);
  if (config.engine === 'spark') return runSpark(config, input.options, context);
  await runIngester(config, context);
};

/**
 * The Spark engine: the Spark stage runs the job, this stage judges the
 * landing's offsets for it (spark-offsets.ts) and counts what it decided —
 * the offset-reset metrics, served on --metrics-port.
 */
async function runSpark(config: IngestConfig, options: Readonly<Record<string, unknown>>, context: CommandContext): Promise<void> {
  // loaded only for the Spark engine: the node engine's start-up does not pay for it
  const { runSparkIngester, sparkLaunchConfigFrom } = await import('../spark/index.js');
  const registry = new Registry();
  registry.setDefaultLabels({ topic: config.topic, group: config.group });
  const metrics = new OffsetResetMetrics(registry);
  const server = config.metricsPort === undefined ? undefined : await serveMetrics(registry, config.metricsPort);
  try {
    await runSparkIngester(sparkLaunchConfigFrom(config, options), context, {
      checkOffsets: sparkOffsetCheck(config, metrics, context),
      retentionGap: sparkRetentionGap(metrics, context.logger),
    });
  } finally {
    server?.close();
  }
}

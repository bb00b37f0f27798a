import { Registry } from 'prom-client';
import { OffsetResetMetrics, serveMetrics } from '../reset-metrics.js';
import { sparkOffsetCheck, sparkRetentionGap } from '../spark-offsets.js';
import type { IngestEngine } from './engine.js';

/**
 * The Spark engine: the launcher (./spark/) runs the job, the ingest stage
 * judges the landing's offsets for it (spark-offsets.ts) and counts what it
 * decided — the offset-reset metrics, served on --metrics-port.
 */
export const SPARK_ENGINE = Object.freeze<IngestEngine>({
  name: 'spark',
  async run(config, context) {
    // loaded only for the Spark engine: the node engine's start-up does not pay for it
    const { runSparkIngester, sparkLaunchConfigFrom } = await import('./spark/index.js');
    const registry = new Registry();
    registry.setDefaultLabels({ topic: config.topic, group: config.group });
    const metrics = new OffsetResetMetrics(registry);
    const server = config.metricsPort === undefined ? undefined : await serveMetrics(registry, config.metricsPort);
    try {
      await runSparkIngester(sparkLaunchConfigFrom(config, context.options), context, {
        checkOffsets: sparkOffsetCheck(config, metrics, context),
        retentionGap: sparkRetentionGap(metrics, context.logger),
      });
    } finally {
      server?.close();
    }
  },
});

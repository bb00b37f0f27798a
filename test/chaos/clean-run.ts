import { runCli } from '../support/cli.js';
import { CliProcess } from '../support/kill-points.js';
import { landedCount } from '../ingest/ingest-harness.js';
import { CHAOS_TOPIC, migratedDatabases, type ChaosPipeline, type LandingDatabases } from './chaos-pipeline.js';
import { until } from './fault-injector.js';

/**
 * The same pipeline over the same records without a fault: the chaos run's
 * topic read again by one `turnover ingest` of a new group into new landing
 * and warehouse databases, one `load-stg --until-caught-up`, one
 * `build-marts`. Same Kafka log, so same offsets: STG and the marts of the
 * chaos run must equal these row for row.
 */
export async function cleanRun(pipeline: ChaosPipeline, records: number): Promise<LandingDatabases> {
  const kafka = { TURNOVER_KAFKA_BROKERS: pipeline.kafka.config.brokers.join(','), TURNOVER_KAFKA_TOPIC: CHAOS_TOPIC, TURNOVER_KAFKA_GROUP: 'chaos-clean' };
  const clean = await migratedDatabases(pipeline.postgres, 'clean', kafka);
  const ingester = new CliProcess(['ingest'], clean.env);
  try {
    await until(
      async () => {
        if (ingester.exited) throw new Error(`the clean run's ingester exited: ${ingester.output}`);
        return (await landedCount(clean.landingUrl, CHAOS_TOPIC)) >= records;
      },
      600_000,
      `the clean run to land ${records} records`,
    );
    const stopped = await ingester.stop();
    if (stopped.code !== 0) throw new Error(`the clean run's ingester exited ${stopped.code}: ${ingester.output}`);
  } finally {
    await ingester.kill();
  }
  const loaded = await runCli(['load-stg', '--until-caught-up'], { env: clean.env, timeoutMs: 600_000 });
  if (loaded.code !== 0) throw new Error(`the clean run's load-stg exited ${loaded.code}: ${loaded.stderr}`);
  const built = await runCli(['build-marts'], { env: clean.env, timeoutMs: 600_000 });
  if (built.code !== 0) throw new Error(`the clean run's build-marts exited ${built.code}: ${built.stderr}`);
  return clean;
}

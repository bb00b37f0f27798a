import { resolve } from 'node:path';
import { eachText } from '../../../command/parsers.js';
import type { IngestConfig } from '../../types.js';
import type { SparkLaunchConfig } from './types.js';

export const SPARK_DEFAULTS = Object.freeze({
  master: 'local[*]',
  stopTimeoutMs: 60_000,
});

/** `--conf key=value` (repeatable): every occurrence a Spark setting. */
export const SPARK_CONF = eachText((value) => /^[^=\s]+=/.test(value), (value) => `--conf expects key=value, got "${value}"`);

/** The flags only the Spark engine reads (`turnover ingest --master … --conf …`), and the Kafka CA file it hands to the job. */
export interface SparkOptions {
  readonly master: string;
  readonly conf?: readonly string[] | undefined;
  readonly sslCa?: string | undefined;
}

/**
 * Spark settings of every launch, before the user's `--conf` (which win).
 * In local mode the driver binds to the loopback: otherwise Spark takes the
 * machine's other interface (PLATFORM.md). With a cluster master the driver
 * must be reachable from the executors, so nothing is pinned.
 */
export function defaultConf(master: string): [string, string][] {
  const conf: [string, string][] = [
    ['spark.ui.showConsoleProgress', 'false'],
    ['spark.ui.enabled', 'false'],
    ['spark.log.level', 'WARN'],
  ];
  if (isLocal(master)) conf.push(['spark.driver.host', '127.0.0.1'], ['spark.driver.bindAddress', '127.0.0.1']);
  return conf;
}

export function isLocal(master: string): boolean {
  return master === 'local' || master.startsWith('local[') || master.startsWith('local-cluster[');
}

/** The one place that turns the ingest config and the Spark flags into the launch settings. */
export function sparkLaunchConfigFrom(ingest: IngestConfig, options: SparkOptions): SparkLaunchConfig {
  const master = options.master.trim() || SPARK_DEFAULTS.master;
  const conf = [...defaultConf(master), ...(options.conf ?? []).map((pair): [string, string] => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at).trim(), pair.slice(at + 1)];
  })];
  const sslCa = options.sslCa ? resolve(options.sslCa) : undefined;
  return Object.freeze({ ingest, master, conf: Object.freeze(conf), sslCaPath: sslCa, stopTimeoutMs: SPARK_DEFAULTS.stopTimeoutMs });
}

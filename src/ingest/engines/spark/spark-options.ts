import { resolve } from 'node:path';
import { UsageError } from '../../../errors.js';
import type { IngestConfig } from '../../types.js';
import type { SparkLaunchConfig } from './types.js';

export const SPARK_DEFAULTS = Object.freeze({
  master: 'local[*]',
  stopTimeoutMs: 60_000,
});

/** `--conf key=value` (repeatable): commander's collector for the option spec. */
export function collectConf(value: string, previous: unknown): string[] {
  if (!/^[^=\s]+=/.test(value)) throw new UsageError(`--conf expects key=value, got "${value}"`);
  return [...(Array.isArray(previous) ? (previous as string[]) : []), value];
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
export function sparkLaunchConfigFrom(ingest: IngestConfig, options: Readonly<Record<string, unknown>>): SparkLaunchConfig {
  const master = typeof options.master === 'string' && options.master.trim() ? options.master.trim() : SPARK_DEFAULTS.master;
  const given = Array.isArray(options.conf) ? (options.conf as string[]) : [];
  const conf = [...defaultConf(master), ...given.map((pair): [string, string] => {
    const at = pair.indexOf('=');
    return [pair.slice(0, at).trim(), pair.slice(at + 1)];
  })];
  const sslCa = typeof options.sslCa === 'string' && options.sslCa ? resolve(options.sslCa) : undefined;
  return Object.freeze({ ingest, master, conf: Object.freeze(conf), sslCaPath: sslCa, stopTimeoutMs: SPARK_DEFAULTS.stopTimeoutMs });
}

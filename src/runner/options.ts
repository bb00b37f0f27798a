import { resolve } from 'node:path';
import { defaultStateDir } from '../paths.js';
import type { UpOptions } from './command.js';

/** `turnover up`'s options, validated once at the edge. */
export interface UpConfig {
  readonly stateDir: string;
  readonly dashboardPort: number;
  readonly generator: boolean;
  readonly backfillDays: number;
  readonly transactionsPerDay: number;
  readonly rate: number;
  readonly seed: number;
  /** Explicit backfill scenarios; undefined = the defaults relative to the window. */
  readonly scenarios: readonly string[] | undefined;
  readonly partitions: number;
  readonly martIntervalMs: number;
  readonly withSuperset: boolean;
  readonly keepStack: boolean;
}

export function upConfigFrom(options: UpOptions): UpConfig {
  const scenarios = options.scenario;
  return Object.freeze({
    stateDir: resolve(options.stateDir || defaultStateDir()),
    dashboardPort: options.port,
    generator: options.generator,
    backfillDays: options.backfillDays,
    transactionsPerDay: options.transactionsPerDay,
    rate: options.rate,
    seed: options.seed,
    scenarios: scenarios === undefined ? undefined : scenarios.filter((s) => s !== 'none'),
    partitions: options.partitions,
    martIntervalMs: Math.round(options.martInterval * 1000),
    withSuperset: options.withSuperset,
    keepStack: options.keepStack,
  });
}

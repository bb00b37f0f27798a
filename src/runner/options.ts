import { resolve } from 'node:path';
import { defaultStateDir } from '../paths.js';

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

export function upConfigFrom(options: Readonly<Record<string, unknown>>): UpConfig {
  const scenarios = options.scenario as string[] | undefined;
  return Object.freeze({
    stateDir: resolve(typeof options.stateDir === 'string' && options.stateDir ? options.stateDir : defaultStateDir()),
    dashboardPort: Number(options.port),
    generator: options.generator !== false,
    backfillDays: Number(options.backfillDays),
    transactionsPerDay: Number(options.transactionsPerDay),
    rate: Number(options.rate),
    seed: Number(options.seed),
    scenarios: scenarios === undefined ? undefined : scenarios.filter((s) => s !== 'none'),
    partitions: Number(options.partitions),
    martIntervalMs: Math.round(Number(options.martInterval) * 1000),
    withSuperset: options.withSuperset === true,
    keepStack: options.keepStack === true,
  });
}

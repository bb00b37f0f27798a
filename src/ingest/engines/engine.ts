import type { CommandContext } from '../../command/command-spec.js';
import type { IngestOptions } from '../command.js';
import type { IngestConfig } from '../types.js';

/** What `--engine` picks. */
export type IngestEngineName = IngestConfig['engine'];

/**
 * One way to run `turnover ingest`: Kafka → the raw landing, exactly once.
 * Every engine writes the same landing contract (SPEC §3), so engines can
 * take turns on one topic and group (docs/ingest.md, docs/spark.md).
 */
export interface IngestEngine {
  /** Its `--engine` name. */
  readonly name: IngestEngineName;
  /** Lands until `context.signal` aborts (resolves) or a failure waiting cannot fix (throws a TurnoverError). */
  run(config: IngestConfig, context: IngestEngineContext): Promise<void>;
}

/** The command's context, and its typed options for the settings only one engine has (Spark's `--master`, `--conf`). */
export interface IngestEngineContext extends CommandContext {
  readonly options: IngestOptions;
}

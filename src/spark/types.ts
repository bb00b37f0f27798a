import type { IngestConfig } from '../ingest/types.js';

/** What `turnover ingest --engine spark` adds to the ingest settings (built once in spark-options.ts). */
export interface SparkLaunchConfig {
  readonly ingest: IngestConfig;
  /** Spark master URL, passed through (`local[*]`, `spark://…`, `yarn`, `k8s://…`). */
  readonly master: string;
  /** Spark settings in the order they are given to spark-submit; later ones win. */
  readonly conf: readonly (readonly [key: string, value: string])[];
  /** Absolute path of the Kafka CA PEM file, when TLS uses a private CA. */
  readonly sslCaPath: string | undefined;
  /** How long a graceful stop may take before the job is killed. */
  readonly stopTimeoutMs: number;
}

/** One line of the job's stdout (spark/turnover_spark/events.py). */
export interface JobEvent {
  readonly event: string;
  readonly [field: string]: unknown;
}

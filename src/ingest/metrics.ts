import type { Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { OffsetResetMetrics, serveMetrics, type OffsetResetAction, type OffsetResetReason } from './reset-metrics.js';

/**
 * What an operator watches: Prometheus metrics (optional HTTP endpoint) and
 * the numbers behind the periodic progress line.
 */
export class IngestMetrics {
  readonly registry = new Registry();
  readonly #records: Counter;
  readonly #bytes: Counter;
  readonly #batches: Counter;
  readonly #conflicts: Counter;
  readonly #rejects: Counter<'reason'>;
  readonly #primaryKeyHits: Counter;
  readonly #errors: Counter<'kind'>;
  readonly #resets: OffsetResetMetrics;
  readonly #lag: Gauge<'partition'>;
  readonly #assigned: Gauge;
  readonly #highWatermarks = new Map<number, number>();
  landed = 0;

  constructor(labels: { topic: string; group: string }) {
    this.registry.setDefaultLabels(labels);
    collectDefaultMetrics({ register: this.registry, prefix: 'turnover_ingest_' });
    const registers = [this.registry];
    this.#records = new Counter({ name: 'turnover_ingest_records_total', help: 'records landed in raw.kafka_messages', registers });
    this.#bytes = new Counter({ name: 'turnover_ingest_value_bytes_total', help: 'bytes of record values landed', registers });
    this.#batches = new Counter({ name: 'turnover_ingest_batches_total', help: 'landing transactions committed', registers });
    this.#conflicts = new Counter({ name: 'turnover_ingest_conflicts_total', help: 'transactions rolled back because another process moved an offset first', registers });
    this.#rejects = new Counter({ name: 'turnover_ingest_rejects_total', help: 'records quarantined in raw.landing_rejects, by reason', labelNames: ['reason'], registers });
    this.#primaryKeyHits = new Counter({
      name: 'turnover_ingest_primary_key_hits_total',
      help: 'landing transactions that hit a primary key the offset fence should have kept free (stops the ingester; must stay 0)',
      registers,
    });
    this.#errors = new Counter({ name: 'turnover_ingest_errors_total', help: 'errors survived, by kind', labelNames: ['kind'], registers });
    this.#resets = new OffsetResetMetrics(this.registry);
    this.#lag = new Gauge({ name: 'turnover_ingest_lag_records', help: 'records in Kafka not yet landed, per assigned partition', labelNames: ['partition'], registers });
    this.#assigned = new Gauge({ name: 'turnover_ingest_assigned_partitions', help: 'partitions assigned to this member', registers });
  }

  landedBatch(rows: number, valueBytes: number): void {
    this.landed += rows;
    this.#records.inc(rows);
    this.#bytes.inc(valueBytes);
    this.#batches.inc();
  }

  conflict(): void {
    this.#conflicts.inc();
  }

  rejected(reason: string): void {
    this.#rejects.inc({ reason });
  }

  primaryKeyHit(): void {
    this.#primaryKeyHits.inc();
  }

  error(kind: string): void {
    this.#errors.inc({ kind });
  }

  offsetReset(reason: OffsetResetReason, action: OffsetResetAction): void {
    this.#resets.offsetReset(reason, action);
  }

  skippedRecords(reason: 'retention_gap' | 'reset_latest', records: number): void {
    this.#resets.skippedRecords(reason, records);
  }

  incarnation(incarnation: number): void {
    this.#resets.incarnation(incarnation);
  }

  assigned(partitions: readonly number[]): void {
    this.#assigned.set(partitions.length);
    this.#lag.reset();
  }

  highWatermark(partition: number, offset: number): void {
    this.#highWatermarks.set(partition, Math.max(offset, this.#highWatermarks.get(partition) ?? 0));
  }

  /** Lag per partition = Kafka's end offset - PostgreSQL's next offset; returns the total. */
  updateLag(partitions: readonly number[], committed: ReadonlyMap<number, number>, ends?: ReadonlyMap<number, number>): number {
    let total = 0;
    for (const p of partitions) {
      if (ends?.has(p)) this.highWatermark(p, ends.get(p)!);
      const end = this.#highWatermarks.get(p);
      if (end === undefined) continue;
      const lag = Math.max(0, end - (committed.get(p) ?? 0));
      this.#lag.set({ partition: String(p) }, lag);
      total += lag;
    }
    return total;
  }

  /** Serves /metrics on 127.0.0.1:port. */
  serve(port: number): Promise<Server> {
    return serveMetrics(this.registry, port);
  }
}

import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { ConfigError } from '../errors.js';

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
  readonly #offsetResets: Counter<'reason' | 'action'>;
  readonly #skipped: Counter<'reason'>;
  readonly #incarnation: Gauge;
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
    this.#offsetResets = new Counter({
      name: 'turnover_ingest_offset_reset_total',
      help: 'stored offsets found not to fit Kafka\'s log, by reason (topic_recreated, log_truncated, retention_gap) and what the ingester did (stopped, earliest, latest, continued)',
      labelNames: ['reason', 'action'],
      registers,
    });
    this.#skipped = new Counter({
      name: 'turnover_ingest_skipped_records_total',
      help: 'records that will never land, by reason: retention_gap (deleted by Kafka before they landed), reset_latest (in a recreated topic when --on-offset-reset=latest opened its incarnation)',
      labelNames: ['reason'],
      registers,
    });
    this.#incarnation = new Gauge({ name: 'turnover_ingest_topic_incarnation', help: 'the landing\'s incarnation of the topic this member lands (raw.topic_incarnations)', registers });
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

  offsetReset(reason: 'topic_recreated' | 'log_truncated' | 'retention_gap', action: 'stopped' | 'earliest' | 'latest' | 'continued'): void {
    this.#offsetResets.inc({ reason, action });
  }

  skippedRecords(reason: 'retention_gap' | 'reset_latest', records: number): void {
    this.#skipped.inc({ reason }, records);
  }

  incarnation(incarnation: number): void {
    this.#incarnation.set(incarnation);
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
  async serve(port: number): Promise<Server> {
    const server = createServer((request, response) => {
      if (request.url !== '/metrics') {
        response.writeHead(404).end('see /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new ConfigError(`cannot serve metrics on 127.0.0.1:${port}: ${(error as Error).message}`, error)));
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return server;
  }
}

import { createServer, type Server } from 'node:http';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ConfigError } from '../errors.js';

export type OffsetResetReason = 'topic_recreated' | 'log_truncated' | 'retention_gap';
export type OffsetResetAction = 'stopped' | 'earliest' | 'latest' | 'continued';

/**
 * What the landing's offsets not fitting Kafka's log did (start-offsets.ts,
 * partition-tracker.ts): the same three metrics for both engines — the Node
 * ingester's registry holds them beside its others, the Spark launcher serves
 * them alone (its job's progress is in its log lines).
 */
export class OffsetResetMetrics {
  readonly #resets: Counter<'reason' | 'action'>;
  readonly #skipped: Counter<'reason'>;
  readonly #incarnation: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#resets = new Counter({
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
  }

  offsetReset(reason: OffsetResetReason, action: OffsetResetAction): void {
    this.#resets.inc({ reason, action });
  }

  skippedRecords(reason: 'retention_gap' | 'reset_latest', records: number): void {
    this.#skipped.inc({ reason }, records);
  }

  incarnation(incarnation: number): void {
    this.#incarnation.set(incarnation);
  }
}

/** Serves a registry's metrics at /metrics on 127.0.0.1:port. */
export async function serveMetrics(registry: Registry, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end('see /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new ConfigError(`cannot serve metrics on 127.0.0.1:${port}: ${(error as Error).message}`, error)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return server;
}

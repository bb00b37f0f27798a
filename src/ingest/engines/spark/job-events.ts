import type { Logger } from '../../../log/logger.js';
import type { JobEvent, SparkIngestHooks } from './types.js';

/** What the launcher remembers of the job's events. */
export interface JobState {
  pid: number | undefined;
  landed: number;
  error: { kind: string; message: string } | undefined;
}

const fmt = (n: unknown): string => (typeof n === 'number' ? n.toLocaleString('en-US') : '?');

/** Turns one event of the job into a log line (same wording as the Node engine's progress). */
export function logEvent(event: JobEvent, state: JobState, logger: Logger, hooks: Pick<SparkIngestHooks, 'retentionGap'>): void {
  const { event: name, time: _time, ...fields } = event;
  switch (name) {
    case 'started':
      state.pid = typeof event.pid === 'number' ? event.pid : undefined;
      logger.debug({ pid: state.pid }, 'Spark job started');
      return;
    case 'incarnation':
      logger.info(fields, `landing in incarnation ${String(fields.incarnation)} of the topic (topic id ${String(fields.topicId)})`);
      return;
    case 'starting':
      logger.info({ partitions: fields.partitions }, 'starting from PostgreSQL offsets');
      return;
    case 'running':
      logger.info(fields, `ingesting with Spark (micro-batches of up to ${fmt(fields.maxRecordsPerBatch)} records)`);
      return;
    case 'batch-start':
    case 'batch-collected':
    case 'batch-committed':
      logger.debug(fields, name.replace('-', ' '));
      return;
    case 'progress': {
      state.landed = typeof fields.landed === 'number' ? fields.landed : state.landed;
      const partitions = Array.isArray(fields.partitions) ? fields.partitions.join(', ') : '';
      logger.info(fields, `landed ${fmt(fields.landed)} records (${fmt(fields.rate)}/s), lag ${fmt(fields.lag)}, partitions [${partitions}]`);
      return;
    }
    case 'retention-gap':
      // logged and counted by the landing's owner, with the Node engine's line
      hooks.retentionGap({ partition: Number(fields.partition), from: Number(fields.from), to: Number(fields.to) });
      return;
    case 'warning':
      logger.warn(String(fields.message));
      return;
    case 'quarantined':
      logger.warn(fields, `record ${String(fields.partition)}/${String(fields.offset)} refused by PostgreSQL (${String(fields.sqlstate)}): quarantined in raw.landing_rejects`);
      return;
    case 'exact-records':
      logger.info(fields, `read ${Array.isArray(fields.records) ? fields.records.length : '?'} records again on the driver: ${String(fields.reason)}`);
      return;
    case 'error':
      state.error = { kind: String(fields.kind), message: String(fields.message) };
      return;
    case 'stopped':
      state.landed = typeof fields.landed === 'number' ? fields.landed : state.landed;
      logger.info(fields, `stopped; landed ${fmt(fields.landed)} records in this run, quarantined ${fmt(fields.rejected)}`);
      return;
    default:
      logger.debug(event, 'Spark job event');
  }
}

/** A stdout line of the job as an event; anything else (a stray print) is not one. */
export function parseEvent(line: string): JobEvent | undefined {
  if (!line.startsWith('{"event":')) return undefined;
  try {
    return JSON.parse(line) as JobEvent;
  } catch {
    return undefined;
  }
}

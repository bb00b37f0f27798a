import { TurnoverError, UnavailableError } from '../../errors.js';
import type { GeneratedMessage } from '../types.js';

/** Where generated or replayed messages go: a .jsonl file or a Kafka topic. */
export interface FeedSink {
  /** Takes one message; returns a promise only when the caller must wait (back-pressure). */
  write(message: SinkMessage): Promise<void> | undefined;
  /** Everything written so far is out (file flushed / broker acknowledged). */
  flush(): Promise<void>;
  close(): Promise<void>;
  /** Where the messages went, for the summary line. */
  readonly target: string;
}

export type SinkMessage = Pick<GeneratedMessage, 'key' | 'value'>;

/** A failure while writing: Kafka trouble is worth retrying (exit 5), a file error is not. */
export function sinkFailure(sink: FeedSink, kind: 'file' | 'kafka', error: unknown): TurnoverError {
  if (error instanceof TurnoverError) return error;
  return kind === 'kafka'
    ? new UnavailableError(`producing to ${sink.target} failed`, error)
    : new TurnoverError('INTERNAL', `writing ${sink.target} failed`, { cause: error });
}

import { readJsonl } from '../contracts/jsonl.js';
import { csvFields, currencyFromCsv, detectFormat, objectIdOf, transactionFromCsv, type ReplayFormat } from './replay-formats.js';
import type { SinkMessage } from './sinks/feed-sink.js';

export interface ReplayItem extends SinkMessage {
  /** Line number in the file (1-based). */
  readonly line: number;
}

/**
 * The messages of a replay file, in file order. `.jsonl` lines go out byte
 * for byte; CSV rows are converted (replay-formats.ts). Streams the file.
 */
export async function* replayMessages(path: string, onFormat: (format: ReplayFormat) => void, signal?: AbortSignal): AsyncGenerator<ReplayItem[]> {
  let detected: ReturnType<typeof detectFormat> | undefined;
  let headerSkipped = false;
  for await (const batch of readJsonl(path, signal ? { signal } : {})) {
    const items: ReplayItem[] = [];
    for (let i = 0; i < batch.values.length; i++) {
      const bytes = batch.values[i]!;
      const line = batch.lineNumbers[i]!;
      if (!detected) {
        detected = detectFormat(path, bytes.subarray(0, 4096).toString('utf8'));
        onFormat(detected.format);
      }
      if (detected.format === 'jsonl') {
        items.push({ key: objectIdOf(bytes), value: bytes, line });
        continue;
      }
      if (!headerSkipped) {
        headerSkipped = true;
        continue;
      }
      const fields = csvFields(bytes.toString('utf8'));
      const converted = detected.format === 'transactions-csv' ? transactionFromCsv(fields, detected.columns) : currencyFromCsv(fields, detected.columns);
      items.push({ ...converted, line });
    }
    yield items;
  }
}

import type { RejectReason } from './types.js';
import { parseMessage } from './parse-message.js';
import { readJsonl } from './jsonl.js';

export interface RejectExample {
  readonly line: number;
  readonly reason: RejectReason;
  readonly field?: string;
  readonly detail: string;
}

export interface ValidationSummary {
  readonly messages: number;
  readonly blankLines: number;
  readonly valid: number;
  readonly transactions: number;
  readonly currencies: number;
  readonly rejected: Readonly<Partial<Record<RejectReason, number>>>;
  /** The first rejects, with their line numbers, for a human to look at. */
  readonly examples: readonly RejectExample[];
}

/** Parses every line of a `.jsonl` feed without touching any server. */
export async function validateFile(path: string, options: { signal?: AbortSignal; maxExamples?: number } = {}): Promise<ValidationSummary> {
  const maxExamples = options.maxExamples ?? 10;
  const rejected: Partial<Record<RejectReason, number>> = {};
  const examples: RejectExample[] = [];
  let messages = 0;
  let blankLines = 0;
  let transactions = 0;
  let currencies = 0;
  for await (const batch of readJsonl(path, options.signal ? { signal: options.signal } : {})) {
    blankLines += batch.blank;
    for (let i = 0; i < batch.values.length; i++) {
      messages++;
      const result = parseMessage(batch.values[i]);
      if (result.ok) {
        if (result.kind === 'TRANSACTION') transactions++;
        else currencies++;
        continue;
      }
      rejected[result.reason] = (rejected[result.reason] ?? 0) + 1;
      if (examples.length < maxExamples) {
        examples.push({ line: batch.lineNumbers[i]!, reason: result.reason, ...(result.field ? { field: result.field } : {}), detail: result.detail });
      }
    }
  }
  return { messages, blankLines, valid: transactions + currencies, transactions, currencies, rejected, examples };
}

import type { Handler } from '../command/command-spec.js';
import { RejectsFoundError, UsageError } from '../errors.js';
import { validateFile, type ValidationSummary } from '../contracts/validate-file.js';
import type { ValidateOptions } from './command.js';

/** `turnover validate [--json] [--fail-on-reject] FILE`: exit 0 whenever the file was read, or 10 with --fail-on-reject when it held rejects. */
export const handler: Handler<ValidateOptions> = async ({ args, options }, { stdout, signal }) => {
  const path = args[0];
  if (!path) throw new UsageError('validate needs a FILE');
  const summary = await validateFile(path, { signal });
  stdout.write(options.json ? `${JSON.stringify(jsonSummary(summary))}\n` : textSummary(path, summary));
  const rejected = summary.messages - summary.valid;
  if (options.failOnReject && rejected > 0) {
    const reasons = Object.entries(summary.rejected).map(([reason, n]) => `${reason} ${n}`).join(', ');
    throw new RejectsFoundError(`${path}: ${rejected} of ${summary.messages} messages rejected (${reasons})`);
  }
};

/** Exactly the object of issue 3: valid, transactions, currencies, rejected by reason. */
export function jsonSummary(summary: ValidationSummary): object {
  return { valid: summary.valid, transactions: summary.transactions, currencies: summary.currencies, rejected: summary.rejected };
}

function textSummary(path: string, summary: ValidationSummary): string {
  const rejected = summary.messages - summary.valid;
  const lines = [
    `${path}: ${summary.messages} messages${summary.blankLines ? ` (${summary.blankLines} blank line${summary.blankLines === 1 ? '' : 's'} skipped)` : ''}`,
    `  valid     ${String(summary.valid).padStart(10)}   transactions ${summary.transactions}, currencies ${summary.currencies}`,
    `  rejected  ${String(rejected).padStart(10)}`,
  ];
  const reasons = Object.entries(summary.rejected).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [reason, count] of reasons) lines.push(`    ${reason.padEnd(26)}${String(count).padStart(10)}`);
  if (summary.examples.length > 0) {
    lines.push(`  first rejects:`);
    for (const e of summary.examples) lines.push(`    line ${e.line}: ${e.reason}${e.field ? ` (${e.field})` : ''}: ${e.detail}`);
  }
  return `${lines.join('\n')}\n`;
}

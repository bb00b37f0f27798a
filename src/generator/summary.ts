import type { RejectReason } from '../contracts/index.js';
import type { GeneratedMessage, MessageOrigin } from './types.js';

/** What a run produced, counted as it goes: what tests and operators compare with validate's counts. */
export class FeedSummary {
  messages = 0;
  bytes = 0;
  transactions = 0;
  currencies = 0;
  readonly byOrigin: Partial<Record<MessageOrigin, number>> = {};
  readonly poisonByReason: Partial<Record<RejectReason, number>> = {};
  firstDay: string | undefined;
  lastDay: string | undefined;

  add(message: GeneratedMessage): void {
    this.messages++;
    this.bytes += message.value.length;
    if (message.kind === 'TRANSACTION') this.transactions++;
    else if (message.kind === 'CURRENCY') this.currencies++;
    else if (message.expectedReject) this.poisonByReason[message.expectedReject] = (this.poisonByReason[message.expectedReject] ?? 0) + 1;
    if (message.origin !== 'event') this.byOrigin[message.origin] = (this.byOrigin[message.origin] ?? 0) + 1;
    if (this.firstDay === undefined || message.day < this.firstDay) this.firstDay = message.day;
    if (this.lastDay === undefined || message.day > this.lastDay) this.lastDay = message.day;
  }

  toJSON(): object {
    return {
      messages: this.messages,
      transactions: this.transactions,
      currencies: this.currencies,
      poison: Object.values(this.poisonByReason).reduce((a, b) => a + b, 0),
      poisonByReason: this.poisonByReason,
      scenarioMessages: this.byOrigin,
      bytes: this.bytes,
      days: this.firstDay === undefined ? null : { first: this.firstDay, last: this.lastDay },
    };
  }
}

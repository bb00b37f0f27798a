import type { TransactionStatus } from '../contracts/index.js';
import type { CustomerPool } from './customers.js';
import {
  AMOUNT_MODELS, BLOCKED_SHARE, CHARGEBACK_HOURS, CHARGEBACK_SHARE, CREDIT_LEDGER, DEBIT_LEDGER, isDebit, LEDGER_TO_SHARE,
  SPACE_SENT_DTTM_SHARE, STEP_SECONDS, TEST_FROM_SHARE, TEST_TO_SHARE, TRANSACTION_TYPES,
} from './feed-mix.js';
import type { Random } from './random.js';
import { countryOf, transactionParts, type TransactionFields, type TransactionParts } from './render.js';
import type { Timed } from './event-queue.js';

/**
 * One payment operation and its status lifecycle: queued → in_progress →
 * done | blocked, some done → chargeback hours later. Every random attribute
 * is drawn at creation in a fixed order, so an operation does not depend on
 * how its events interleave with others.
 */
export class Operation implements TransactionFields, Timed {
  /** Time of the next event to emit (ms since the epoch). */
  at: number;
  seq = 0;
  /** The status of the next event. */
  status: TransactionStatus = 'queued';
  amount: number;
  #parts: TransactionParts | undefined;

  constructor(
    readonly id: string,
    readonly from: number,
    readonly to: number,
    readonly currency: number,
    readonly country: string,
    readonly type: string,
    amount: number,
    readonly spaceInSent: boolean,
    start: number,
    readonly steps: readonly [number, number],
    readonly finalStatus: 'done' | 'blocked',
    /** 0 when the operation is never charged back. */
    readonly chargebackAt: number,
  ) {
    this.at = start;
    this.amount = amount;
  }

  /** The message bytes shared by all its events, rendered on first use. */
  get parts(): TransactionParts {
    return (this.#parts ??= transactionParts(this));
  }

  /** Moves to the next status; false when the lifecycle is over. */
  advance(): boolean {
    switch (this.status) {
      case 'queued':
        this.status = 'in_progress';
        this.at += this.steps[0];
        return true;
      case 'in_progress':
        this.status = this.finalStatus;
        this.at += this.steps[1];
        return true;
      case 'done':
        if (this.chargebackAt === 0) return false;
        this.#parts = undefined;
        this.status = 'chargeback';
        this.at = this.chargebackAt;
        return true;
      default:
        return false;
    }
  }
}

function stepMs(random: Random): number {
  return (STEP_SECONDS.min + random.int(STEP_SECONDS.max - STEP_SECONDS.min + 1)) * 1000;
}

export interface OperationRequest {
  readonly start: number;
  readonly customer: number;
  /** Forces the currency (scenarios aimed at one currency); else the customer's. */
  readonly currency?: number;
}

/** Draws an operation for a customer; amounts follow the type's model and the customer's ticket scale. */
export function createOperation(pool: CustomerPool, random: Random, request: OperationRequest): Operation {
  const id = random.uuid();
  const type = TRANSACTION_TYPES.pick(random);
  const debit = isDebit(type);
  const currency = request.currency ?? pool.operationCurrency(request.customer, random);
  const fromDraw = random.float();
  const from = fromDraw < TEST_FROM_SHARE ? -1 : debit ? DEBIT_LEDGER : CREDIT_LEDGER.pick(random);
  const toDraw = random.float();
  const to = toDraw < TEST_TO_SHARE
    ? -1 - random.int(999)
    : toDraw < TEST_TO_SHARE + LEDGER_TO_SHARE
      ? CREDIT_LEDGER.pick(random)
      : pool.account(request.customer);
  const model = AMOUNT_MODELS[type]!;
  let magnitude: number;
  if (model.fixed && random.chance(model.fixedShare ?? 0)) {
    magnitude = model.fixed.pick(random);
  } else {
    const raw = random.logNormal(model.median * pool.ticketScale(request.customer), model.sigma);
    magnitude = Math.max(model.step, Math.round(raw / model.step) * model.step);
  }
  const spaceInSent = random.chance(SPACE_SENT_DTTM_SHARE);
  const steps: [number, number] = [stepMs(random), stepMs(random)];
  const finalStatus = random.chance(BLOCKED_SHARE) ? 'blocked' : 'done';
  const chargedBack = finalStatus === 'done' && random.chance(CHARGEBACK_SHARE);
  const chargebackDelay = Math.round(random.between(CHARGEBACK_HOURS.min, CHARGEBACK_HOURS.max) * 3600) * 1000;
  const doneAt = request.start + steps[0] + steps[1];
  return new Operation(
    id, from, to, currency, countryOf(currency), type, debit ? -magnitude : magnitude, spaceInSent,
    request.start, steps, finalStatus, chargedBack ? doneAt + chargebackDelay : 0,
  );
}

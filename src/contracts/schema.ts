import { z } from 'zod';
import { TRANSACTION_STATUSES } from './types.js';
import { canonicalDateOrTimestamp, canonicalTimestamp } from './timestamp.js';

/**
 * The feed's message envelope (SPEC §2) as a zod schema: the reference
 * definition of what a valid message is. The production parser
 * (`fast-parse.ts`) implements the same checks by hand, in the same order, for
 * speed; `test/contracts/fast-path.test.ts` proves on arbitrary input that both
 * return the same result.
 *
 * Key order matters: zod reports issues in shape order, and the first issue
 * decides the reject reason. No transforms: the validated value keeps the
 * input's shape and `records.ts` canonicalises it.
 */

const uuid = z.guid();
const timestamp = z.string().refine((text) => canonicalTimestamp(text) !== undefined, { params: { reason: 'bad_timestamp' } });
const dateOrTimestamp = z.string().refine((text) => canonicalDateOrTimestamp(text) !== undefined, { params: { reason: 'bad_timestamp' } });
const nonEmpty = z.string().min(1);

export const TransactionPayloadSchema = z.object({
  operation_id: uuid,
  account_number_from: z.int(),
  account_number_to: z.int(),
  currency_code: z.int(),
  country: nonEmpty,
  status: z.enum(TRANSACTION_STATUSES as [string, ...string[]]),
  transaction_type: nonEmpty,
  amount: z.int(),
  transaction_dt: timestamp,
});

export const CurrencyPayloadSchema = z.object({
  date_update: dateOrTimestamp,
  currency_code: z.int(),
  currency_code_with: z.int(),
  currency_with_div: z.number().positive(),
});

export const TransactionMessageSchema = z.object({
  object_type: z.literal('TRANSACTION'),
  object_id: uuid,
  sent_dttm: timestamp,
  payload: TransactionPayloadSchema,
});

export const CurrencyMessageSchema = z.object({
  object_type: z.literal('CURRENCY'),
  object_id: uuid,
  sent_dttm: timestamp,
  payload: CurrencyPayloadSchema,
});

export const MessageSchema = z.discriminatedUnion('object_type', [TransactionMessageSchema, CurrencyMessageSchema]);

export type TransactionMessage = z.infer<typeof TransactionMessageSchema>;
export type CurrencyMessage = z.infer<typeof CurrencyMessageSchema>;
export type FeedMessage = z.infer<typeof MessageSchema>;

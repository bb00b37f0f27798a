import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * Hand-made STG rows for the marts' edge cases (equal days, zero amounts,
 * entries, exits, missing rates). The marts under test are the real ones;
 * only their input is written directly, in STG's own shape.
 */
export interface StgTransaction {
  readonly day: string;
  readonly currency: number;
  readonly account: number;
  /** Minor units; the sign does not matter to the marts (gross). */
  readonly amount: number;
  readonly status?: string;
  readonly from?: number;
  readonly type?: string;
}

export interface StgRate {
  readonly day: string;
  readonly currency: number;
  readonly rate: number;
  readonly with?: number;
}

export async function insertStg(url: string, transactions: readonly StgTransaction[], rates: readonly StgRate[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    let offset = 0;
    for (const t of transactions) {
      const id = randomUUID();
      await client.query(
        `insert into stg.transactions (operation_id, status, object_id, account_number_from, account_number_to, currency_code, country,
           transaction_type, amount, transaction_dt, transaction_date, sent_dttm, src_topic, src_partition, src_offset)
         values ($1, $2, $1, $3, $4, $5, 'somewhere', $6, $7, $8::date + time '12:00', $8::date, $8::date + time '12:00', 'hand', 0, $9)`,
        [id, t.status ?? 'done', t.from ?? 903810, t.account, t.currency, t.type ?? 'sbp_incoming', t.amount, t.day, offset++],
      );
    }
    for (const r of rates) {
      await client.query(
        `insert into stg.currencies (date_update, currency_code, currency_code_with, currency_with_div, sent_dttm, src_topic, src_partition, src_offset)
         values ($1::date, $2, $3, $4, $1::date, 'hand', 0, $5)`,
        [r.day, r.currency, r.with ?? 420, r.rate, offset++],
      );
    }
  } finally {
    await client.end();
  }
}

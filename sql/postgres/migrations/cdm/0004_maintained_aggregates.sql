-- Aggregates that build-marts maintains by folding STG's change logs
-- (stg.counted_changes, stg.notable_changes: stg migration 0005) instead of
-- scanning whole days of stg.transactions every cycle (issue 23,
-- docs/marts.md "Incremental maintenance"). Amounts in minor units, as
-- unbounded numeric: a fold never overflows; a day whose totals do not fit
-- the marts' columns is refused when built, as before.

-- Counted transactions per day, currency and customer account
-- (account_number_to), and their gross amount. A row whose count went back to
-- 0 (its transactions were corrected away) stays, with 0: it no longer counts
-- as an account.
create table if not exists cdm.account_daily (
    date_update      date    not null,
    currency_code    integer not null,
    customer_account bigint  not null,
    cnt_transactions bigint  not null,
    amount_minor     numeric not null,
    primary key (date_update, currency_code, customer_account)
);

-- Per day and currency: the sums of cdm.account_daily, with the number of
-- its accounts whose count is above 0, kept by the same fold. What a queue
-- build reads to write cdm.currency_daily (a few rows per day, whatever the
-- day's volume).
create table if not exists cdm.currency_totals (
    date_update      date    not null,
    currency_code    integer not null,
    cnt_transactions bigint  not null,
    cnt_accounts     bigint  not null,
    amount_minor     numeric not null,
    primary key (date_update, currency_code)
);

-- The transaction metrics of cdm.data_quality_daily, one row per (day, kind,
-- dimension):
--   type         / transaction_type: rows of that type (any status), for
--                  types not known when the rows were logged
--   test_account / currency: done rows of a test account
--   chargeback   / currency: chargebacks of customer accounts, gross minor units
--   late         / '': rows sent after their day and loaded after its first build
create table if not exists cdm.event_counts (
    date_update  date    not null,
    kind         text    not null,
    dimension    text    not null,
    cnt          bigint  not null,
    amount_minor numeric not null,
    primary key (date_update, kind, dimension)
);

-- Seeded from what STG holds now. The lock waits for every load in flight
-- (the log triggers exist since stg 0005) and holds off the next ones, so the
-- seed and the emptied logs describe the same rows: each change logged so far
-- is in the seed already.
lock table stg.transactions in share mode;

insert into cdm.account_daily (date_update, currency_code, customer_account, cnt_transactions, amount_minor)
select
    transactions.transaction_date,
    transactions.currency_code,
    transactions.account_number_to,
    count(*),
    sum(abs(transactions.amount::numeric))
from stg.transactions
where transactions.status = 'done'
  and transactions.account_number_from >= 0
  and transactions.account_number_to >= 0
group by
    transactions.transaction_date,
    transactions.currency_code,
    transactions.account_number_to;

insert into cdm.currency_totals (date_update, currency_code, cnt_transactions, cnt_accounts, amount_minor)
select
    account_daily.date_update,
    account_daily.currency_code,
    sum(account_daily.cnt_transactions),
    count(*),
    sum(account_daily.amount_minor)
from cdm.account_daily
group by
    account_daily.date_update,
    account_daily.currency_code;

insert into cdm.event_counts (date_update, kind, dimension, cnt, amount_minor)
select notable.date_update, notable.kind, notable.dimension, sum(notable.events), sum(notable.amount_minor)
from (
    select t.transaction_date as date_update, 'type' as kind, t.transaction_type as dimension, 1 as events, 0::numeric as amount_minor
    from stg.transactions as t
    where t.transaction_type not in (select known.transaction_type from cdm.known_transaction_types as known)
    union all
    select t.transaction_date, 'test_account', t.currency_code::text, 1, 0
    from stg.transactions as t
    where t.status = 'done' and (t.account_number_from < 0 or t.account_number_to < 0)
    union all
    select t.transaction_date, 'chargeback', t.currency_code::text, 1, abs(t.amount::numeric)
    from stg.transactions as t
    where t.status = 'chargeback' and t.account_number_from >= 0 and t.account_number_to >= 0
    union all
    select t.transaction_date, 'late', '', 1, 0
    from stg.transactions as t
    inner join cdm.build_days
        on build_days.date_update = t.transaction_date
    where t.sent_dttm >= (t.transaction_date + 1)::timestamp
      and t.loaded_at > build_days.first_built_at
) as notable
group by notable.date_update, notable.kind, notable.dimension;

delete from stg.counted_changes;
delete from stg.notable_changes;

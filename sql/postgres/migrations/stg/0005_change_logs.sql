-- The change logs of STG (issue 23): what each write of stg.transactions
-- adds to or takes from the marts' counts, for build-marts to fold into the
-- aggregates it maintains (cdm migration 0004) instead of scanning a whole
-- day again every cycle (docs/marts.md, "Incremental maintenance").
--
-- Written by statement-level triggers, so in the very statement (and hence
-- the transaction) that writes the rows, whatever writes them: the loader's
-- COPY of new keys, its insert of winners, its delete of replaced versions,
-- a hand fix. A version inserted counts +1, a version deleted (a correction,
-- a conflict's winner replacing it) -1, summed per statement. A rolled-back
-- chunk leaves no change behind; landing purges never touch STG and so log
-- nothing.
--
-- build-marts consumes a log by deleting the rows it folds, in the statement
-- that folds them, so the logs need no commit-ordered sequence (serial ids
-- are not commit-ordered): a change committed later is simply still there for
-- the next fold. change_id only orders rows for a reader.

-- Counted transactions (status done, no test account: docs/marts.md), per
-- day, currency and customer account (account_number_to).
create table if not exists stg.counted_changes (
    change_id        bigint      generated always as identity primary key,
    transaction_date date        not null,
    currency_code    integer     not null,
    customer_account bigint      not null,
    cnt_delta        bigint      not null,
    amount_delta     numeric     not null,  -- minor units, gross: sum of abs(amount)
    logged_at        timestamptz not null default now()
);

-- What data quality counts of the rows, per day:
--   type           rows of a type cdm.known_transaction_types does not hold
--                  (rare), per transaction_type; a type that becomes known
--                  later (a cdm migration adds it, none is ever removed) is
--                  left out when built;
--   test_account   done rows of a test account, per currency;
--   chargeback     chargebacks of customer accounts, per currency, with the
--                  gross minor units (converted to USD when built);
--   sent_after_day rows the source sent after their day was over, with the
--                  loading transaction's loaded_at: the fold keeps those
--                  loaded after their day's first build (late arrivals).
create table if not exists stg.notable_changes (
    change_id        bigint      generated always as identity primary key,
    transaction_date date        not null,
    kind             text        not null,  -- type | test_account | chargeback | sent_after_day
    dimension        text        not null,  -- the type, the currency code, or '' (sent_after_day)
    loaded_at        timestamptz,           -- sent_after_day only
    cnt_delta        bigint      not null,
    amount_delta     numeric     not null   -- chargeback only, else 0
);

-- One function for every event: the versions a statement inserted count +1,
-- those it deleted -1 (an update: both), through the transition table of
-- each side. abs() of the numeric value: abs(bigint) overflows on its most
-- negative value, and a load must never fail on data the marts may refuse
-- later.
create or replace function stg.log_changes() returns trigger
language plpgsql as $$
declare
    versions text;
    sign integer;
begin
    foreach versions in array case tg_op
        when 'INSERT' then array['inserted_rows']
        when 'DELETE' then array['deleted_rows']
        else array['inserted_rows', 'deleted_rows']
    end loop
        sign := case versions when 'inserted_rows' then 1 else -1 end;
        execute format($sql$
            insert into stg.counted_changes (transaction_date, currency_code, customer_account, cnt_delta, amount_delta)
            select
                v.transaction_date,
                v.currency_code,
                v.account_number_to,
                %1$s * count(*),
                %1$s * sum(abs(v.amount::numeric))
            from %2$I as v
            where v.status = 'done'
              and v.account_number_from >= 0
              and v.account_number_to >= 0
            group by
                v.transaction_date,
                v.currency_code,
                v.account_number_to
        $sql$, sign, versions);
        execute format($sql$
            insert into stg.notable_changes (transaction_date, kind, dimension, loaded_at, cnt_delta, amount_delta)
            select
                notable.transaction_date,
                notable.kind,
                notable.dimension,
                notable.loaded_at,
                %1$s * sum(notable.events),
                %1$s * sum(notable.amount_minor)
            from (
                select v.transaction_date, 'type' as kind, v.transaction_type as dimension, null::timestamptz as loaded_at, 1 as events, 0::numeric as amount_minor
                from %2$I as v
                where v.transaction_type not in (select known.transaction_type from cdm.known_transaction_types as known)
                union all
                select v.transaction_date, 'test_account', v.currency_code::text, null, 1, 0
                from %2$I as v
                where v.status = 'done' and (v.account_number_from < 0 or v.account_number_to < 0)
                union all
                select v.transaction_date, 'chargeback', v.currency_code::text, null, 1, abs(v.amount::numeric)
                from %2$I as v
                where v.status = 'chargeback' and v.account_number_from >= 0 and v.account_number_to >= 0
                union all
                select v.transaction_date, 'sent_after_day', '', v.loaded_at, 1, 0
                from %2$I as v
                where v.sent_dttm >= (v.transaction_date + 1)::timestamp
            ) as notable
            group by
                notable.transaction_date,
                notable.kind,
                notable.dimension,
                notable.loaded_at
        $sql$, sign, versions);
    end loop;
    return null;
end
$$;

-- A trigger with transition tables serves one event only.
create trigger transactions_log_insert
    after insert on stg.transactions
    referencing new table as inserted_rows
    for each statement execute function stg.log_changes();

create trigger transactions_log_delete
    after delete on stg.transactions
    referencing old table as deleted_rows
    for each statement execute function stg.log_changes();

create trigger transactions_log_update
    after update on stg.transactions
    referencing old table as deleted_rows new table as inserted_rows
    for each statement execute function stg.log_changes();

-- A truncate cannot be logged row by row, but its outcome is known: STG is
-- empty, so are the aggregates of it (the benchmarks refill STG this way).
-- The aggregates are created by cdm migration 0004, after this one.
create or replace function stg.reset_changes() returns trigger
language plpgsql as $$
begin
    delete from stg.counted_changes;
    delete from stg.notable_changes;
    if to_regclass('cdm.account_daily') is not null then
        delete from cdm.account_daily;
        delete from cdm.currency_totals;
        delete from cdm.event_counts;
    end if;
    return null;
end
$$;

create trigger transactions_reset_changes
    after truncate on stg.transactions
    for each statement execute function stg.reset_changes();

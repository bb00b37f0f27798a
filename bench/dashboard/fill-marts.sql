-- Synthetic marts for the dashboard benchmark: $1 days ending 2023-12-31, the
-- 7 currencies every day, with drivers, rates and data-quality rows. Values
-- are plausible, not consistent: the benchmark measures reads, not meaning.
with days as (
    select d::date as date_update
    from generate_series(date '2023-12-31' - ($1::int - 1), date '2023-12-31', interval '1 day') as d
),

currencies as (
    select c as currency_code from unnest(array[410, 420, 430, 440, 450, 460, 470]) as c
),

grid as (
    select
        days.date_update,
        currencies.currency_code,
        1000 + (hashtext(days.date_update::text || currencies.currency_code) & 1023) as transactions
    from days
    cross join currencies
),

build as (
    insert into cdm.build_days (date_update, first_built_at, last_built_at, builds)
    select date_update, now(), now(), 1 from days
),

rates as (
    insert into cdm.usd_rates_daily (date_update, currency_code, rate, rate_date, rate_status)
    select date_update, currency_code, 0.5 + (currency_code - 400) / 100.0, date_update, case when currency_code = 420 then 'usd' else 'same_day' end
    from grid
),

currency_days as (
    insert into cdm.currency_daily (date_update, currency_code, cnt_transactions, cnt_accounts, amount_local, rate, rate_date, rate_status, amount_usd)
    select date_update, currency_code, transactions, transactions - 50, transactions * 123.45, 1, date_update, 'same_day', transactions * 123.45
    from grid
),

metrics as (
    insert into cdm.global_metrics (date_update, currency_from, amount_total, cnt_transactions, avg_transactions_per_account, cnt_accounts_make_transactions)
    select date_update, currency_code, transactions * 123.45, transactions, round(transactions / (transactions - 50.0), 4), transactions - 50
    from grid
),

drivers as (
    insert into cdm.turnover_drivers (
        date_update, currency_from, kind, turnover_prev_usd, turnover_usd, change_usd, accounts_prev, accounts,
        transactions_prev, transactions, ticket_prev, ticket, rate_prev, rate,
        accounts_effect, frequency_effect, ticket_effect, fx_effect, entry_exit_effect
    )
    select date_update, currency_code, 'continuing', 1000, 1100, 100, 10, 11, 10, 11, 100, 100, 1, 1, 60, 20, 10, 10, 0
    from grid
    union all
    select date_update, null, 'total', 7000, 7700, 700, null, null, 70, 77, null, null, null, null, 420, 140, 70, 70, 0
    from days
),

quality as (
    insert into cdm.data_quality_daily (date_update, metric, dimension, value)
    select date_update, metric, dimension, 1 + (hashtext(date_update::text || metric || dimension) & 63)
    from days
    cross join (values ('rejects', 'not_json'), ('rejects', 'missing_field'), ('chargebacks', '430'), ('test_account_transactions', '410')) as m (metric, dimension)
)

select count(*) as days from days

insert into cdm.global_metrics (
    date_update,
    currency_from,
    amount_total,
    cnt_transactions,
    avg_transactions_per_account,
    cnt_accounts_make_transactions
)
with params as (
    select
        ?::date as day_from,
        ?::date as day_to
),

currency_days as (
    select
        currency_daily.date_update,
        currency_daily.currency_code,
        currency_daily.amount_usd,
        currency_daily.cnt_transactions,
        currency_daily.cnt_accounts
    from cdm.currency_daily
    cross join params
    where currency_daily.date_update between params.day_from and params.day_to
),

metrics as (
    select
        date_update,
        currency_code as currency_from,
        amount_usd as amount_total,
        cnt_transactions,
        round(cnt_transactions::numeric(38, 10) / cnt_accounts, 4) as avg_transactions_per_account,
        cnt_accounts as cnt_accounts_make_transactions
    from currency_days
)

select * from metrics

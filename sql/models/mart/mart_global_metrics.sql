-- cdm.global_metrics for the days day_from..day_to, from cdm.currency_daily:
-- the six columns of SPEC §4; the customer account is account_number_to.
insert into cdm.global_metrics (
    date_update,
    currency_from,
    amount_total,
    cnt_transactions,
    avg_transactions_per_account,
    cnt_accounts_make_transactions
)
with {{ params(day_from date, day_to date) }}currency_days as (
    select
        currency_daily.date_update,
        currency_daily.currency_code,
        currency_daily.amount_usd,
        currency_daily.cnt_transactions,
        currency_daily.cnt_accounts
    from cdm.currency_daily
    {{ join_params }}
    where currency_daily.date_update between {{ p(day_from) }} and {{ p(day_to) }}
),

metrics as (
    select
        date_update,
        currency_code as currency_from,
        amount_usd as amount_total,
        cnt_transactions,
        round(cnt_transactions::{{ numeric(38, 10) }} / cnt_accounts, 4) as avg_transactions_per_account,
        cnt_accounts as cnt_accounts_make_transactions
    from currency_days
)

select * from metrics

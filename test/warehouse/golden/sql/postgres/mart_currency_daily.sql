insert into cdm.currency_daily (
    date_update,
    currency_code,
    cnt_transactions,
    cnt_accounts,
    amount_local,
    rate,
    rate_date,
    rate_status,
    amount_usd
)
with counted_transactions as (
    select
        transactions.transaction_date as date_update,
        transactions.currency_code,
        transactions.account_number_to as customer_account,
        abs(transactions.amount) as amount_minor
    from stg.transactions
    where transactions.transaction_date between $1::date and $2::date
      and transactions.status = 'done'
      and transactions.account_number_from >= 0
      and transactions.account_number_to >= 0
),

per_account as (
    select
        date_update,
        currency_code,
        customer_account,
        count(*) as cnt_transactions,
        sum(amount_minor) as amount_minor
    from counted_transactions
    group by
        date_update,
        currency_code,
        customer_account
),

per_currency as (
    select
        date_update,
        currency_code,
        sum(cnt_transactions) as cnt_transactions,
        count(*) as cnt_accounts,
        sum(amount_minor) as amount_minor
    from per_account
    group by
        date_update,
        currency_code
),

converted as (
    select
        per_currency.date_update,
        per_currency.currency_code,
        per_currency.cnt_transactions,
        per_currency.cnt_accounts,
        per_currency.amount_minor * 0.01 as amount_local,
        usd_rates_daily.rate,
        usd_rates_daily.rate_date,
        coalesce(usd_rates_daily.rate_status, 'missing') as rate_status,
        round(per_currency.amount_minor * usd_rates_daily.rate) * 0.01 as amount_usd
    from per_currency
    left join cdm.usd_rates_daily
        on usd_rates_daily.date_update = per_currency.date_update
       and usd_rates_daily.currency_code = per_currency.currency_code
)

select * from converted

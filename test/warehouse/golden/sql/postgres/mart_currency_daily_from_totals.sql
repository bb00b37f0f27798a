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
with per_currency as (
    select
        currency_totals.date_update,
        currency_totals.currency_code,
        currency_totals.cnt_transactions,
        currency_totals.cnt_accounts,
        currency_totals.amount_minor
    from cdm.currency_totals
    where currency_totals.date_update between $1::date and $2::date
      and currency_totals.cnt_transactions > 0
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

with counted_transactions as (
    select
        transactions.currency_code,
        abs(transactions.amount) as amount_minor
    from stg.transactions
    where transactions.transaction_date = $1::date
      and transactions.transaction_dt < $2::timestamp
      and transactions.status = 'done'
      and transactions.account_number_from >= 0
      and transactions.account_number_to >= 0
      and (
          $3::text = ''
          or transactions.currency_code = any(string_to_array($3::text, ',')::integer[])
      )
),

per_currency as (
    select
        currency_code,
        count(*) as cnt_transactions,
        sum(amount_minor) as amount_minor
    from counted_transactions
    group by currency_code
)

select
    per_currency.currency_code,
    per_currency.cnt_transactions,
    round(per_currency.amount_minor * usd_rates_daily.rate) * 0.01 as amount_usd
from per_currency
left join cdm.usd_rates_daily
    on usd_rates_daily.date_update = $1::date
   and usd_rates_daily.currency_code = per_currency.currency_code
order by per_currency.currency_code

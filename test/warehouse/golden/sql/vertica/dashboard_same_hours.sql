with params as (
    select
        ?::date as on_day,
        ?::timestamp as cut_at,
        ',' || ?::varchar(256) || ',' as currency_list
),

counted_transactions as (
    select
        transactions.currency_code,
        abs(transactions.amount) as amount_minor
    from stg.transactions
    cross join params
    where transactions.transaction_date = params.on_day
      and transactions.transaction_dt < params.cut_at
      and transactions.status = 'done'
      and transactions.account_number_from >= 0
      and transactions.account_number_to >= 0
      and (
          params.currency_list = ',,'
          or instr(params.currency_list, ',' || transactions.currency_code::varchar || ',') > 0
      )
),

per_currency as (
    select
        currency_code,
        count(*) as cnt_transactions,
        sum(amount_minor)::numeric(38, 0) as amount_minor
    from counted_transactions
    group by currency_code
)

select
    per_currency.currency_code,
    per_currency.cnt_transactions,
    round(per_currency.amount_minor * usd_rates_daily.rate) * 0.01 as amount_usd
from per_currency
cross join params
left join cdm.usd_rates_daily
    on usd_rates_daily.date_update = params.on_day
   and usd_rates_daily.currency_code = per_currency.currency_code
order by per_currency.currency_code

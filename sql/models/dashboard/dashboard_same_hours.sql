-- The counted transactions of one day up to a moment of it (transaction_dt
-- before `cut_at`, UTC), per currency of currency_list (a comma list of
-- codes; '' = every currency), with their USD amount at the day's rate of
-- cdm.usd_rates_daily: "today so far" and "yesterday, the same hours", read
-- alike from STG so that the two compare like with like. Counted as
-- cdm.currency_daily counts: the done event of each operation, test accounts
-- excluded; rounded once, in cents.
with {{ params(on_day date, cut_at timestamp, currency_list code_list) }}counted_transactions as (
    select
        transactions.currency_code,
        abs(transactions.amount) as amount_minor
    from stg.transactions
    {{ join_params }}
    where transactions.transaction_date = {{ p(on_day) }}
      and transactions.transaction_dt < {{ p(cut_at) }}
      and transactions.status = 'done'
      and transactions.account_number_from >= 0
      and transactions.account_number_to >= 0
      and (
          {{ code_list_empty(currency_list) }}
          or {{ code_list_has(currency_list, transactions.currency_code) }}
      )
),

per_currency as (
    select
        currency_code,
        count(*) as cnt_transactions,
        {{ as_numeric(sum(amount_minor), 38, 0) }} as amount_minor
    from counted_transactions
    group by currency_code
)

select
    per_currency.currency_code,
    per_currency.cnt_transactions,
    round(per_currency.amount_minor * usd_rates_daily.rate) * 0.01 as amount_usd
from per_currency
{{ join_params }}
left join cdm.usd_rates_daily
    on usd_rates_daily.date_update = {{ p(on_day) }}
   and usd_rates_daily.currency_code = per_currency.currency_code
order by per_currency.currency_code

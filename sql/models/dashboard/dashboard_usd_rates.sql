-- The USD rates of the days day_from..day_to for the currencies of
-- currency_list (a comma list of codes; '' = every currency) with their
-- status (usd, same_day, stale), and the day-currencies whose transactions
-- had no usable rate (missing).
with {{ params(day_from date, day_to date, currency_list code_list) }}rates as (
    select
        usd_rates_daily.date_update,
        usd_rates_daily.currency_code,
        usd_rates_daily.rate,
        usd_rates_daily.rate_date,
        usd_rates_daily.rate_status
    from cdm.usd_rates_daily
    {{ join_params }}
    where usd_rates_daily.date_update between {{ p(day_from) }} and {{ p(day_to) }}
),

missing_rates as (
    select
        currency_daily.date_update,
        currency_daily.currency_code,
        null::{{ numeric(20, 6) }} as rate,
        null::date as rate_date,
        currency_daily.rate_status
    from cdm.currency_daily
    {{ join_params }}
    where currency_daily.date_update between {{ p(day_from) }} and {{ p(day_to) }}
      and currency_daily.rate_status = 'missing'
),

all_rates as (
    select * from rates
    union all
    select * from missing_rates
)

select
    to_char(all_rates.date_update, 'YYYY-MM-DD') as day,
    all_rates.currency_code,
    all_rates.rate,
    to_char(all_rates.rate_date, 'YYYY-MM-DD') as rate_date,
    all_rates.rate_status
from all_rates
{{ join_params }}
where {{ code_list_empty(currency_list) }}
   or {{ code_list_has(currency_list, all_rates.currency_code) }}
order by
    all_rates.date_update,
    all_rates.currency_code

with rates as (
    select
        usd_rates_daily.date_update,
        usd_rates_daily.currency_code,
        usd_rates_daily.rate,
        usd_rates_daily.rate_date,
        usd_rates_daily.rate_status
    from cdm.usd_rates_daily
    where usd_rates_daily.date_update between $1::date and $2::date
),

missing_rates as (
    select
        currency_daily.date_update,
        currency_daily.currency_code,
        null::numeric as rate,
        null::date as rate_date,
        currency_daily.rate_status
    from cdm.currency_daily
    where currency_daily.date_update between $1::date and $2::date
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
where $3::text = ''
   or all_rates.currency_code = any(string_to_array($3::text, ',')::integer[])
order by
    all_rates.date_update,
    all_rates.currency_code

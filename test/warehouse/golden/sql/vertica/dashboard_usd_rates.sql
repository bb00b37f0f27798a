with params as (
    select
        ?::date as day_from,
        ?::date as day_to,
        ',' || ?::varchar(256) || ',' as currency_list
),

rates as (
    select
        usd_rates_daily.date_update,
        usd_rates_daily.currency_code,
        usd_rates_daily.rate,
        usd_rates_daily.rate_date,
        usd_rates_daily.rate_status
    from cdm.usd_rates_daily
    cross join params
    where usd_rates_daily.date_update between params.day_from and params.day_to
),

missing_rates as (
    select
        currency_daily.date_update,
        currency_daily.currency_code,
        null::numeric(20, 6) as rate,
        null::date as rate_date,
        currency_daily.rate_status
    from cdm.currency_daily
    cross join params
    where currency_daily.date_update between params.day_from and params.day_to
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
cross join params
where params.currency_list = ',,'
   or instr(params.currency_list, ',' || all_rates.currency_code::varchar || ',') > 0
order by
    all_rates.date_update,
    all_rates.currency_code

-- cdm.usd_rates_daily for the days day_from..day_to: per day and currency,
-- the USD rate of that day, else the latest earlier one at most 7 days old
-- (stale); USD is 1.
insert into cdm.usd_rates_daily (
    date_update,
    currency_code,
    rate,
    rate_date,
    rate_status
)
with {{ params(day_from date, day_to date) }}days as (
    {{ date_series(day_from, day_to, date_update) }}
),

usd_quotes as (
    select
        currencies.date_update as rate_date,
        currencies.currency_code,
        currencies.currency_with_div as rate
    from stg.currencies
    {{ join_params }}
    where currencies.currency_code_with = 420
      and currencies.currency_code <> 420
      and currencies.currency_with_div > 0
      and currencies.date_update between {{ p(day_from) }} - 7 and {{ p(day_to) }}
),

quotes_in_reach as (
    select
        days.date_update,
        usd_quotes.currency_code,
        usd_quotes.rate,
        usd_quotes.rate_date,
        row_number() over (
            partition by days.date_update, usd_quotes.currency_code
            order by usd_quotes.rate_date desc
        ) as recency
    from days
    inner join usd_quotes
        on usd_quotes.rate_date between days.date_update - 7 and days.date_update
),

latest_quotes as (
    select
        date_update,
        currency_code,
        rate,
        rate_date,
        case when rate_date = date_update then 'same_day' else 'stale' end as rate_status
    from quotes_in_reach
    where recency = 1
),

usd_itself as (
    select
        date_update,
        420 as currency_code,
        1::numeric(20, 6) as rate,
        date_update as rate_date,
        'usd' as rate_status
    from days
)

select * from latest_quotes
union all
select * from usd_itself

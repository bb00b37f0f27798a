-- Benchmark data: the 42 ordered pairs of the 7 currencies for every day of
-- $1 .. $1 + $2 - 1, plus the 7 days before (the stale-rate reach). The
-- (currency, 420) rates drift around realistic levels.
insert into stg.currencies (
    date_update,
    currency_code,
    currency_code_with,
    currency_with_div,
    sent_dttm,
    src_topic,
    src_partition,
    src_offset
)
with days as (
    select
        day::date as date_update,
        row_number() over (order by day) as day_no
    from generate_series($1::date - 7, $1::date + $2::int - 1, interval '1 day') as day
),

currencies as (
    select * from (
        values
            (410, 0.73),
            (420, 1.00),
            (430, 0.0165),
            (440, 1.05),
            (450, 0.14),
            (460, 1.22),
            (470, 0.054)
    ) as c (currency_code, usd_value)
),

pairs as (
    select
        days.date_update,
        days.day_no,
        c_from.currency_code,
        c_with.currency_code as currency_code_with,
        c_from.usd_value * (1 + 0.02 * sin(days.day_no + c_from.currency_code)) as from_usd,
        c_with.usd_value * (1 + 0.02 * sin(days.day_no + c_with.currency_code)) as with_usd
    from days
    cross join currencies as c_from
    cross join currencies as c_with
    where c_from.currency_code <> c_with.currency_code
)

select
    date_update,
    currency_code,
    currency_code_with,
    round((from_usd / with_usd)::numeric, 6),
    date_update::timestamp,
    'bench',
    0,
    day_no * 100 + (currency_code - 400) + (currency_code_with - 400) / 10
from pairs

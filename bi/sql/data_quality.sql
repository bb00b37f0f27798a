-- Data-quality counts of every built day (cdm.data_quality_daily, non-zero
-- values only; metrics and dimensions: docs/marts.md), summed per metric and
-- dimension: rejected messages by reason, conflicting redeliveries,
-- transactions at a stale or without a USD rate, unknown transaction types,
-- test-account transactions, late arrivals, chargebacks (and their USD).
-- A dimension that is a currency code is shown as its ISO code.
-- Portable SQL: the same text runs on PostgreSQL and Vertica.
with currencies as (
    select 410 as currency_code, 'CAD' as currency
    union all select 420, 'USD'
    union all select 430, 'RUB'
    union all select 440, 'EUR'
    union all select 450, 'CNY'
    union all select 460, 'GBP'
    union all select 470, 'TRY'
),

quality as (
    select
        data_quality_daily.date_update,
        data_quality_daily.metric,
        data_quality_daily.dimension,
        data_quality_daily.value
    from cdm.data_quality_daily
),

totals as (
    select
        metric,
        dimension,
        sum(value) as total,
        count(*) as days,
        min(date_update) as first_day,
        max(date_update) as last_day
    from quality
    group by
        metric,
        dimension
),

labelled as (
    select
        totals.metric,
        coalesce(currencies.currency, totals.dimension) as dimension,
        totals.total,
        totals.days,
        totals.first_day,
        totals.last_day
    from totals
    left join currencies
        on cast(currencies.currency_code as varchar(12)) = totals.dimension
)

select * from labelled
order by
    metric,
    dimension

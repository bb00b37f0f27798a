-- cdm.data_quality_daily for the days $1..$2 on a queue build: the
-- transaction metrics (unknown types, test accounts, late arrivals,
-- chargebacks) from the maintained cdm.event_counts (folded from STG's change
-- log) instead of a scan of the days' rows; rejects, conflicts, rates and
-- late rates as in mart_data_quality_daily, the full rebuild from STG, whose
-- rows these equal (docs/marts.md "Incremental maintenance").
insert into cdm.data_quality_daily (
    date_update,
    metric,
    dimension,
    value
)
with counts as (
    select
        event_counts.date_update,
        event_counts.kind,
        event_counts.dimension,
        event_counts.cnt,
        event_counts.amount_minor
    from cdm.event_counts
    where event_counts.date_update between $1::date and $2::date
),

rejects as (
    select
        rejects.event_date as date_update,
        'rejects' as metric,
        rejects.reason as dimension,
        count(*) as value
    from stg.rejects
    where rejects.event_date between $1::date and $2::date
    group by
        rejects.event_date,
        rejects.reason
),

conflicts as (
    select
        transaction_conflicts.transaction_date as date_update,
        'conflicts' as metric,
        transaction_conflicts.status as dimension,
        count(*) as value
    from stg.transaction_conflicts
    where transaction_conflicts.transaction_date between $1::date and $2::date
    group by
        transaction_conflicts.transaction_date,
        transaction_conflicts.status
),

rate_quality as (
    select
        currency_daily.date_update,
        currency_daily.rate_status || '_rate_transactions' as metric,
        currency_daily.currency_code::text as dimension,
        currency_daily.cnt_transactions as value
    from cdm.currency_daily
    where currency_daily.date_update between $1::date and $2::date
      and currency_daily.rate_status in ('stale', 'missing')
),

unknown_types as (
    select
        counts.date_update,
        'unknown_transaction_types' as metric,
        counts.dimension,
        counts.cnt as value
    from counts
    left join cdm.known_transaction_types
        on known_transaction_types.transaction_type = counts.dimension
    where counts.kind = 'type'
      and known_transaction_types.transaction_type is null
),

test_accounts as (
    select
        date_update,
        'test_account_transactions' as metric,
        dimension,
        cnt as value
    from counts
    where kind = 'test_account'
),

late_transactions as (
    select
        date_update,
        'late_arrivals' as metric,
        'transactions' as dimension,
        cnt as value
    from counts
    where kind = 'late'
),

late_currencies as (
    select
        currencies.date_update,
        'late_arrivals' as metric,
        'currencies' as dimension,
        count(*) as value
    from stg.currencies
    inner join cdm.build_days
        on build_days.date_update = currencies.date_update
    where currencies.date_update between $1::date and $2::date
      and currencies.sent_dttm >= (currencies.date_update + 1)::timestamp
      and currencies.loaded_at > build_days.first_built_at
    group by currencies.date_update
),

chargebacks_per_currency as (
    select
        date_update,
        dimension::integer as currency_code,
        cnt as chargebacks,
        amount_minor
    from counts
    where kind = 'chargeback'
),

chargebacks as (
    select
        date_update,
        'chargebacks' as metric,
        currency_code::text as dimension,
        chargebacks as value
    from chargebacks_per_currency
),

chargebacks_usd as (
    select
        chargebacks_per_currency.date_update,
        'chargebacks_usd' as metric,
        chargebacks_per_currency.currency_code::text as dimension,
        round(chargebacks_per_currency.amount_minor * usd_rates_daily.rate) * 0.01 as value
    from chargebacks_per_currency
    inner join cdm.usd_rates_daily
        on usd_rates_daily.date_update = chargebacks_per_currency.date_update
       and usd_rates_daily.currency_code = chargebacks_per_currency.currency_code
),

all_metrics as (
    select * from rejects
    union all
    select * from conflicts
    union all
    select * from rate_quality
    union all
    select * from unknown_types
    union all
    select * from test_accounts
    union all
    select * from late_transactions
    union all
    select * from late_currencies
    union all
    select * from chargebacks
    union all
    select * from chargebacks_usd
)

select * from all_metrics
where value <> 0

insert into cdm.data_quality_daily_rebuild (
    date_update,
    metric,
    dimension,
    value
)
with params as (
    select
        ?::date as day_from,
        ?::date as day_to
),

late_after as (
    select min(build_days.first_built_at) as moment
    from cdm.build_days
    cross join params
    where build_days.date_update between params.day_from and params.day_to
),

notable_events as (
    select
        transactions.transaction_date as date_update,
        transactions.status,
        transactions.currency_code,
        transactions.transaction_type,
        transactions.account_number_from < 0 or transactions.account_number_to < 0 as is_test,
        transactions.loaded_at,
        transactions.sent_dttm >= (transactions.transaction_date + 1)::timestamp as sent_after_day,
        abs(transactions.amount) as amount_minor
    from stg.transactions
    cross join params
    where transactions.transaction_date between params.day_from and params.day_to
      and (
          transactions.transaction_type not in (select known.transaction_type from cdm.known_transaction_types as known)
          or (transactions.status = 'done' and (transactions.account_number_from < 0 or transactions.account_number_to < 0))
          or transactions.status = 'chargeback'
          or (
              transactions.loaded_at > (select late_after.moment from late_after)
              and transactions.sent_dttm >= (transactions.transaction_date + 1)::timestamp
          )
      )
),

event_summary as (
    select
        date_update,
        status,
        currency_code,
        transaction_type,
        is_test,
        loaded_at,
        sent_after_day,
        count(*) as events,
        sum(amount_minor) as amount_minor
    from notable_events
    group by
        date_update,
        status,
        currency_code,
        transaction_type,
        is_test,
        loaded_at,
        sent_after_day
),

rejects as (
    select
        rejects.event_date as date_update,
        'rejects' as metric,
        rejects.reason as dimension,
        count(*) as value
    from stg.rejects
    cross join params
    where rejects.event_date between params.day_from and params.day_to
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
    cross join params
    where transaction_conflicts.transaction_date between params.day_from and params.day_to
    group by
        transaction_conflicts.transaction_date,
        transaction_conflicts.status
),

rate_quality as (
    select
        currency_daily.date_update,
        currency_daily.rate_status || '_rate_transactions' as metric,
        currency_daily.currency_code::varchar as dimension,
        currency_daily.cnt_transactions as value
    from cdm.currency_daily
    cross join params
    where currency_daily.date_update between params.day_from and params.day_to
      and currency_daily.rate_status in ('stale', 'missing')
),

unknown_types as (
    select
        event_summary.date_update,
        'unknown_transaction_types' as metric,
        event_summary.transaction_type as dimension,
        sum(event_summary.events) as value
    from event_summary
    left join cdm.known_transaction_types
        on known_transaction_types.transaction_type = event_summary.transaction_type
    where known_transaction_types.transaction_type is null
    group by
        event_summary.date_update,
        event_summary.transaction_type
),

test_accounts as (
    select
        date_update,
        'test_account_transactions' as metric,
        currency_code::varchar as dimension,
        sum(events) as value
    from event_summary
    where status = 'done'
      and is_test
    group by
        date_update,
        currency_code
),

late_transactions as (
    select
        event_summary.date_update,
        'late_arrivals' as metric,
        'transactions' as dimension,
        sum(event_summary.events) as value
    from event_summary
    inner join cdm.build_days
        on build_days.date_update = event_summary.date_update
    where event_summary.sent_after_day
      and event_summary.loaded_at > build_days.first_built_at
    group by event_summary.date_update
),

late_currencies as (
    select
        currencies.date_update,
        'late_arrivals' as metric,
        'currencies' as dimension,
        count(*) as value
    from stg.currencies
    cross join params
    inner join cdm.build_days
        on build_days.date_update = currencies.date_update
    where currencies.date_update between params.day_from and params.day_to
      and currencies.sent_dttm >= (currencies.date_update + 1)::timestamp
      and currencies.loaded_at > build_days.first_built_at
    group by currencies.date_update
),

chargebacks_per_currency as (
    select
        date_update,
        currency_code,
        sum(events) as chargebacks,
        sum(amount_minor) as amount_minor
    from event_summary
    where status = 'chargeback'
      and not is_test
    group by
        date_update,
        currency_code
),

chargebacks as (
    select
        date_update,
        'chargebacks' as metric,
        currency_code::varchar as dimension,
        chargebacks as value
    from chargebacks_per_currency
),

chargebacks_usd as (
    select
        chargebacks_per_currency.date_update,
        'chargebacks_usd' as metric,
        chargebacks_per_currency.currency_code::varchar as dimension,
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

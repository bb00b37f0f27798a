with stg_accounts as (
    select
        transactions.transaction_date as date_update,
        transactions.currency_code,
        transactions.account_number_to as customer_account,
        count(*) as cnt_transactions,
        sum(abs(transactions.amount::numeric)) as amount_minor
    from stg.transactions
    where transactions.transaction_date between $1::date and $2::date
      and transactions.status = 'done'
      and transactions.account_number_from >= 0
      and transactions.account_number_to >= 0
    group by
        transactions.transaction_date,
        transactions.currency_code,
        transactions.account_number_to
),

maintained_accounts as (
    select
        account_daily.date_update,
        account_daily.currency_code,
        account_daily.customer_account,
        account_daily.cnt_transactions,
        account_daily.amount_minor
    from cdm.account_daily
    where account_daily.date_update between $1::date and $2::date
      and account_daily.cnt_transactions <> 0
),

stg_currencies as (
    select
        date_update,
        currency_code,
        sum(cnt_transactions) as cnt_transactions,
        count(*) as cnt_accounts,
        sum(amount_minor) as amount_minor
    from stg_accounts
    group by
        date_update,
        currency_code
),

maintained_currencies as (
    select
        currency_totals.date_update,
        currency_totals.currency_code,
        currency_totals.cnt_transactions,
        currency_totals.cnt_accounts,
        currency_totals.amount_minor
    from cdm.currency_totals
    where currency_totals.date_update between $1::date and $2::date
      and (currency_totals.cnt_transactions <> 0 or currency_totals.cnt_accounts <> 0 or currency_totals.amount_minor <> 0)
),

stg_events as (
    select notable.date_update, notable.kind, notable.dimension, sum(notable.events) as cnt, sum(notable.amount_minor) as amount_minor
    from (
        select t.transaction_date as date_update, 'type' as kind, t.transaction_type as dimension, 1 as events, 0::numeric as amount_minor
        from stg.transactions as t
        where t.transaction_date between $1::date and $2::date
          and t.transaction_type not in (select known.transaction_type from cdm.known_transaction_types as known)
        union all
        select t.transaction_date, 'test_account', t.currency_code::text, 1, 0
        from stg.transactions as t
        where t.transaction_date between $1::date and $2::date
          and t.status = 'done' and (t.account_number_from < 0 or t.account_number_to < 0)
        union all
        select t.transaction_date, 'chargeback', t.currency_code::text, 1, abs(t.amount::numeric)
        from stg.transactions as t
        where t.transaction_date between $1::date and $2::date
          and t.status = 'chargeback' and t.account_number_from >= 0 and t.account_number_to >= 0
        union all
        select t.transaction_date, 'late', '', 1, 0
        from stg.transactions as t
        inner join cdm.build_days
            on build_days.date_update = t.transaction_date
        where t.transaction_date between $1::date and $2::date
          and t.sent_dttm >= (t.transaction_date + 1)::timestamp
          and t.loaded_at > build_days.first_built_at
    ) as notable
    group by notable.date_update, notable.kind, notable.dimension
),

maintained_events as (
    select
        event_counts.date_update,
        event_counts.kind,
        event_counts.dimension,
        event_counts.cnt,
        event_counts.amount_minor
    from cdm.event_counts
    where event_counts.date_update between $1::date and $2::date
      and (event_counts.cnt <> 0 or event_counts.amount_minor <> 0)
      and not (
          event_counts.kind = 'type'
          and event_counts.dimension in (select known.transaction_type from cdm.known_transaction_types as known)
      )
),

account_differences as (
    select
        coalesce(stg_accounts.date_update, maintained_accounts.date_update) as date_update,
        'currency ' || coalesce(stg_accounts.currency_code, maintained_accounts.currency_code)::text
            || ' account ' || coalesce(stg_accounts.customer_account, maintained_accounts.customer_account)::text as subject,
        stg_accounts.cnt_transactions::text || ' transactions, ' || stg_accounts.amount_minor::text || ' minor units' as in_stg,
        maintained_accounts.cnt_transactions::text || ' transactions, ' || maintained_accounts.amount_minor::text || ' minor units' as maintained
    from stg_accounts
    full outer join maintained_accounts
        on maintained_accounts.date_update = stg_accounts.date_update
       and maintained_accounts.currency_code = stg_accounts.currency_code
       and maintained_accounts.customer_account = stg_accounts.customer_account
    where stg_accounts.cnt_transactions is distinct from maintained_accounts.cnt_transactions
       or stg_accounts.amount_minor is distinct from maintained_accounts.amount_minor
),

currency_differences as (
    select
        coalesce(stg_currencies.date_update, maintained_currencies.date_update) as date_update,
        'currency ' || coalesce(stg_currencies.currency_code, maintained_currencies.currency_code)::text as subject,
        stg_currencies.cnt_transactions::text || ' transactions, ' || stg_currencies.cnt_accounts::text || ' accounts, '
            || stg_currencies.amount_minor::text || ' minor units' as in_stg,
        maintained_currencies.cnt_transactions::text || ' transactions, ' || maintained_currencies.cnt_accounts::text || ' accounts, '
            || maintained_currencies.amount_minor::text || ' minor units' as maintained
    from stg_currencies
    full outer join maintained_currencies
        on maintained_currencies.date_update = stg_currencies.date_update
       and maintained_currencies.currency_code = stg_currencies.currency_code
    where stg_currencies.cnt_transactions is distinct from maintained_currencies.cnt_transactions
       or stg_currencies.cnt_accounts is distinct from maintained_currencies.cnt_accounts
       or stg_currencies.amount_minor is distinct from maintained_currencies.amount_minor
),

event_differences as (
    select
        coalesce(stg_events.date_update, maintained_events.date_update) as date_update,
        coalesce(stg_events.kind, maintained_events.kind) || ' ' || coalesce(stg_events.dimension, maintained_events.dimension) as subject,
        stg_events.cnt::text || ' rows, ' || stg_events.amount_minor::text || ' minor units' as in_stg,
        maintained_events.cnt::text || ' rows, ' || maintained_events.amount_minor::text || ' minor units' as maintained
    from stg_events
    full outer join maintained_events
        on maintained_events.date_update = stg_events.date_update
       and maintained_events.kind = stg_events.kind
       and maintained_events.dimension = stg_events.dimension
    where stg_events.cnt is distinct from maintained_events.cnt
       or stg_events.amount_minor is distinct from maintained_events.amount_minor
),

differences as (
    select * from currency_differences
    union all
    select * from account_differences
    union all
    select * from event_differences
)

select
    to_char(date_update, 'YYYY-MM-DD') as day,
    subject,
    coalesce(in_stg, 'nothing') as in_stg,
    coalesce(maintained, 'nothing') as maintained
from differences
order by
    date_update,
    subject
limit 20

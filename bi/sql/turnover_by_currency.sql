-- Per day and currency: USD turnover, transactions, active customer accounts
-- and transactions per account, straight from cdm.global_metrics (SPEC §4),
-- the currency named by its ISO code. amount_total is NULL on a day the
-- currency had no usable USD rate (never 0): such a day draws no bar.
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

metrics as (
    select
        global_metrics.date_update,
        global_metrics.currency_from,
        global_metrics.amount_total,
        global_metrics.cnt_transactions,
        global_metrics.cnt_accounts_make_transactions,
        global_metrics.avg_transactions_per_account
    from cdm.global_metrics
),

labelled as (
    select
        metrics.date_update,
        coalesce(currencies.currency, cast(metrics.currency_from as varchar(12))) as currency,
        metrics.amount_total as turnover_usd,
        metrics.cnt_transactions as transactions,
        metrics.cnt_accounts_make_transactions as active_accounts,
        metrics.avg_transactions_per_account as transactions_per_account
    from metrics
    left join currencies
        on currencies.currency_code = metrics.currency_from
)

select * from labelled

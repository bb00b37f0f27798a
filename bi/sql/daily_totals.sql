-- One row per built day (cdm.build_days): the company's USD turnover, counted
-- transactions, active customer accounts and transactions per account, the
-- same day totals as the built-in dashboard's KPI tiles: a built day without
-- counted transactions is 0, accounts are distinct per currency and summed
-- (one account may pay in two currencies), the average is transactions over
-- those accounts, and a currency without a usable USD rate adds no USD
-- (currencies_without_rate says how many did so).
-- Portable SQL: the same text runs on PostgreSQL and Vertica.
with built_days as (
    select build_days.date_update
    from cdm.build_days
),

day_metrics as (
    select
        global_metrics.date_update,
        sum(global_metrics.amount_total) as turnover_usd,
        sum(global_metrics.cnt_transactions) as transactions,
        sum(global_metrics.cnt_accounts_make_transactions) as active_accounts,
        count(*) - count(global_metrics.amount_total) as currencies_without_rate
    from cdm.global_metrics
    group by global_metrics.date_update
),

daily_totals as (
    select
        built_days.date_update,
        coalesce(day_metrics.turnover_usd, 0) as turnover_usd,
        coalesce(day_metrics.transactions, 0) as transactions,
        coalesce(day_metrics.active_accounts, 0) as active_accounts,
        case
            when coalesce(day_metrics.active_accounts, 0) = 0 then null
            else round(cast(day_metrics.transactions as numeric(20, 4)) / day_metrics.active_accounts, 4)
        end as transactions_per_account,
        coalesce(day_metrics.currencies_without_rate, 0) as currencies_without_rate
    from built_days
    left join day_metrics
        on day_metrics.date_update = built_days.date_update
)

select * from daily_totals

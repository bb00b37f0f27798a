-- The per-currency rows of cdm.turnover_drivers (kind continuing, entry,
-- exit or excluded), which add up to each day's total row: which currency
-- moved the day, and through which factor. An excluded currency (no usable
-- USD rate on one of the two days) has no change and no effects.
-- Newest day first (Metabase shows a native question's rows in this order).
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

currency_rows as (
    select
        turnover_drivers.date_update,
        turnover_drivers.currency_from,
        turnover_drivers.kind,
        turnover_drivers.turnover_prev_usd,
        turnover_drivers.turnover_usd,
        turnover_drivers.change_usd,
        turnover_drivers.accounts_effect,
        turnover_drivers.frequency_effect,
        turnover_drivers.ticket_effect,
        turnover_drivers.fx_effect,
        turnover_drivers.entry_exit_effect
    from cdm.turnover_drivers
    where turnover_drivers.kind <> 'total'
),

labelled as (
    select
        currency_rows.date_update,
        coalesce(currencies.currency, cast(currency_rows.currency_from as varchar(12))) as currency,
        currency_rows.kind,
        currency_rows.turnover_prev_usd,
        currency_rows.turnover_usd,
        currency_rows.change_usd,
        currency_rows.accounts_effect,
        currency_rows.frequency_effect,
        currency_rows.ticket_effect,
        currency_rows.fx_effect,
        currency_rows.entry_exit_effect
    from currency_rows
    left join currencies
        on currencies.currency_code = currency_rows.currency_from
)

select * from labelled
order by
    date_update desc,
    currency

-- What drove each day's change of the company's USD turnover: the total row
-- of cdm.turnover_drivers per day, its change split (additive LMDI, exact to
-- the cent) into the accounts, frequency, ticket, FX and entry/exit effects.
-- A day has drivers only when the day before it was built (docs/marts.md).
-- Portable SQL: the same text runs on PostgreSQL and Vertica.
with totals as (
    select
        turnover_drivers.date_update,
        turnover_drivers.turnover_prev_usd,
        turnover_drivers.turnover_usd,
        turnover_drivers.change_usd,
        turnover_drivers.accounts_effect,
        turnover_drivers.frequency_effect,
        turnover_drivers.ticket_effect,
        turnover_drivers.fx_effect,
        turnover_drivers.entry_exit_effect
    from cdm.turnover_drivers
    where turnover_drivers.kind = 'total'
)

select * from totals

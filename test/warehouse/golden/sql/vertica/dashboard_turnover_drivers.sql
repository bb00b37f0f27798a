with params as (
    select
        ?::date as day_from,
        ?::date as day_to,
        ',' || ?::varchar(256) || ',' as currency_list
),

selected_drivers as (
    select
        turnover_drivers.date_update,
        turnover_drivers.currency_from,
        turnover_drivers.kind,
        turnover_drivers.turnover_prev_usd,
        turnover_drivers.turnover_usd,
        turnover_drivers.change_usd,
        turnover_drivers.accounts_prev,
        turnover_drivers.accounts,
        turnover_drivers.transactions_prev,
        turnover_drivers.transactions,
        turnover_drivers.ticket_prev,
        turnover_drivers.ticket,
        turnover_drivers.rate_prev,
        turnover_drivers.rate,
        turnover_drivers.accounts_effect,
        turnover_drivers.frequency_effect,
        turnover_drivers.ticket_effect,
        turnover_drivers.fx_effect,
        turnover_drivers.entry_exit_effect
    from cdm.turnover_drivers
    cross join params
    where turnover_drivers.date_update between params.day_from and params.day_to
      and (
          turnover_drivers.kind = 'total'
          or params.currency_list = ',,'
          or instr(params.currency_list, ',' || turnover_drivers.currency_from::varchar || ',') > 0
      )
)

select
    to_char(date_update, 'YYYY-MM-DD') as day,
    currency_from,
    kind,
    turnover_prev_usd,
    turnover_usd,
    change_usd,
    accounts_prev,
    accounts,
    transactions_prev,
    transactions,
    ticket_prev,
    ticket,
    rate_prev,
    rate,
    accounts_effect,
    frequency_effect,
    ticket_effect,
    fx_effect,
    entry_exit_effect
from selected_drivers
order by
    date_update,
    case when kind = 'total' then 1 else 0 end,
    currency_from

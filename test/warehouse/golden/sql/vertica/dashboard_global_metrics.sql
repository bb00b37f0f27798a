with params as (
    select
        ?::date as day_from,
        ?::date as day_to,
        ',' || ?::varchar(256) || ',' as currency_list
),

selected_metrics as (
    select
        global_metrics.date_update,
        global_metrics.currency_from,
        global_metrics.amount_total,
        global_metrics.cnt_transactions,
        global_metrics.avg_transactions_per_account,
        global_metrics.cnt_accounts_make_transactions
    from cdm.global_metrics
    cross join params
    where global_metrics.date_update between params.day_from and params.day_to
      and (
          params.currency_list = ',,'
          or instr(params.currency_list, ',' || global_metrics.currency_from::varchar || ',') > 0
      )
)

select
    to_char(date_update, 'YYYY-MM-DD') as day,
    currency_from,
    amount_total,
    cnt_transactions,
    avg_transactions_per_account,
    cnt_accounts_make_transactions
from selected_metrics
order by
    date_update,
    currency_from

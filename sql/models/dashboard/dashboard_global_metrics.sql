-- cdm.global_metrics of the days day_from..day_to for the currencies of
-- currency_list (a comma list of codes; '' = every currency). The list is one
-- text parameter (',410,' within ',410,420,' in Vertica): no array binding of
-- a client library is relied on.
with {{ params(day_from date, day_to date, currency_list code_list) }}selected_metrics as (
    select
        global_metrics.date_update,
        global_metrics.currency_from,
        global_metrics.amount_total,
        global_metrics.cnt_transactions,
        global_metrics.avg_transactions_per_account,
        global_metrics.cnt_accounts_make_transactions
    from cdm.global_metrics
    {{ join_params }}
    where global_metrics.date_update between {{ p(day_from) }} and {{ p(day_to) }}
      and (
          {{ code_list_empty(currency_list) }}
          or {{ code_list_has(currency_list, global_metrics.currency_from) }}
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

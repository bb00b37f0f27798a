with selected_metrics as (
    select
        global_metrics.date_update,
        global_metrics.currency_from,
        global_metrics.amount_total,
        global_metrics.cnt_transactions,
        global_metrics.avg_transactions_per_account,
        global_metrics.cnt_accounts_make_transactions
    from cdm.global_metrics
    where global_metrics.date_update between $1::date and $2::date
      and (
          $3::text = ''
          or global_metrics.currency_from = any(string_to_array($3::text, ',')::integer[])
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

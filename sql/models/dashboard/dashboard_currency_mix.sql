-- The currency mix of the days day_from..day_to for the currencies of
-- currency_list (a comma list of codes; '' = every currency): USD turnover,
-- transactions and share of the USD total. Days without a usable rate add no
-- USD and are counted.
with {{ params(day_from date, day_to date, currency_list code_list) }}selected_metrics as (
    select
        global_metrics.currency_from,
        global_metrics.amount_total,
        global_metrics.cnt_transactions
    from cdm.global_metrics
    {{ join_params }}
    where global_metrics.date_update between {{ p(day_from) }} and {{ p(day_to) }}
      and (
          {{ code_list_empty(currency_list) }}
          or {{ code_list_has(currency_list, global_metrics.currency_from) }}
      )
),

per_currency as (
    select
        currency_from,
        sum(amount_total) as amount_usd,
        sum(cnt_transactions) as cnt_transactions,
        count(*) - count(amount_total) as days_without_rate
    from selected_metrics
    group by currency_from
),

shares as (
    select
        currency_from,
        amount_usd,
        cnt_transactions,
        days_without_rate,
        round(amount_usd / {{ nullif_zero(sum(amount_usd) over ()) }}, 6) as share
    from per_currency
)

select * from shares
order by currency_from

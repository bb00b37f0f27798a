with selected_metrics as (
    select
        global_metrics.currency_from,
        global_metrics.amount_total,
        global_metrics.cnt_transactions
    from cdm.global_metrics
    where global_metrics.date_update between $1::date and $2::date
      and (
          $3::text = ''
          or global_metrics.currency_from = any(string_to_array($3::text, ',')::integer[])
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
        round(amount_usd / nullif(sum(amount_usd) over (), 0), 6) as share
    from per_currency
)

select * from shares
order by currency_from

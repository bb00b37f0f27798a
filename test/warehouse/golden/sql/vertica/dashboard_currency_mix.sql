with params as (
    select
        ?::date as day_from,
        ?::date as day_to,
        ',' || ?::varchar(256) || ',' as currency_list
),

selected_metrics as (
    select
        global_metrics.currency_from,
        global_metrics.amount_total,
        global_metrics.cnt_transactions
    from cdm.global_metrics
    cross join params
    where global_metrics.date_update between params.day_from and params.day_to
      and (
          params.currency_list = ',,'
          or instr(params.currency_list, ',' || global_metrics.currency_from::varchar || ',') > 0
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
        round(amount_usd / nullifzero(sum(amount_usd) over ()), 6) as share
    from per_currency
)

select * from shares
order by currency_from

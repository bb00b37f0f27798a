with consumed as (
    delete from stg.notable_changes
    returning
        transaction_date,
        kind,
        dimension,
        loaded_at,
        cnt_delta,
        amount_delta
),

classified as (
    select
        consumed.transaction_date as date_update,
        case when consumed.kind = 'sent_after_day' then 'late' else consumed.kind end as kind,
        consumed.dimension,
        consumed.cnt_delta,
        consumed.amount_delta
    from consumed
    left join cdm.build_days
        on build_days.date_update = consumed.transaction_date
    where consumed.kind <> 'sent_after_day'
       or consumed.loaded_at > build_days.first_built_at
),

count_changes as (
    select
        date_update,
        kind,
        dimension,
        sum(cnt_delta) as cnt_delta,
        sum(amount_delta) as amount_delta
    from classified
    group by
        date_update,
        kind,
        dimension
)

insert into cdm.event_counts as event_counts (
    date_update,
    kind,
    dimension,
    cnt,
    amount_minor
)
select
    date_update,
    kind,
    dimension,
    cnt_delta,
    amount_delta
from count_changes
on conflict (date_update, kind, dimension) do update
set
    cnt = event_counts.cnt + excluded.cnt,
    amount_minor = event_counts.amount_minor + excluded.amount_minor

with

loaded as (
    select coalesce(sum(next_offset), 0) as loaded
    from stg.load_state
    where
        topic = ?
        and incarnation = ?
),

built as (
    select max(last_built_at) as last_built_at
    from cdm.build_days
),

queued as (
    select count(*) as queued
    from stg.touched_days
)

select
    loaded.loaded::varchar as loaded,
    built.last_built_at,
    queued.queued::int as queued
from loaded
cross join built
cross join queued

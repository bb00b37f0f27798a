-- Progress of the warehouse side for `turnover up`'s status line: what STG
-- loaded of the topic's current incarnation (runner_landed.sql says which).
with

loaded as (
    select coalesce(sum(next_offset), 0) as loaded
    from stg.load_state
    where
        topic = {{ param(1) }}
        and incarnation = {{ param(2) }}
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
    loaded.loaded::{{ text }} as loaded,
    built.last_built_at,
    queued.queued::{{ int4 }} as queued
from loaded
cross join built
cross join queued

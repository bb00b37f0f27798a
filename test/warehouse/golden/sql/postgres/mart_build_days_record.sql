insert into cdm.build_days (
    date_update,
    first_built_at,
    last_built_at,
    builds
)
with days as (
    select generate_series($1::date, $2::date, interval '1 day')::date as date_update
)

select
    date_update,
    now() as first_built_at,
    now() as last_built_at,
    1 as builds
from days
on conflict (date_update) do update
set
    last_built_at = excluded.last_built_at,
    builds = cdm.build_days.builds + 1

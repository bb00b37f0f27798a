-- Records a build of the days $1..$2 in cdm.build_days, keeping the first build time.
-- One file per dialect: the rows come from a series of days, not from bound
-- values as in upsert(), and the series and the upsert are both spelled
-- differently (generate_series + on conflict here, timeseries + merge in
-- sql/vertica/), so a model would be two dialect blocks.
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

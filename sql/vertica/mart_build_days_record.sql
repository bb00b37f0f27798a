-- Records a build of the days ?..? (from, to) in cdm.build_days, keeping the first build time.
-- One file per dialect: the rows come from a series of days, not from bound
-- values as in upsert(), and the series and the upsert are both spelled
-- differently (timeseries + merge here, generate_series + on conflict in
-- sql/postgres/), so a model would be two dialect blocks.
merge into cdm.build_days as built
using (
    select slice_time::date as date_update
    from (
        select ?::timestamp as bound
        union all
        select ?::timestamp as bound
    ) as bounds
    timeseries slice_time as '1 day' over (order by bound)
) as days
on built.date_update = days.date_update
when matched then update set
    last_built_at = now(),
    builds = built.builds + 1
when not matched then insert (date_update, first_built_at, last_built_at, builds)
values (days.date_update, now(), now(), 1)

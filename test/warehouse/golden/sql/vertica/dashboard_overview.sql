with metric_days as (
    select
        min(global_metrics.date_update) as first_day,
        max(global_metrics.date_update) as last_day,
        count(distinct global_metrics.date_update) as days_with_data
    from cdm.global_metrics
),

builds as (
    select
        max(build_days.date_update) as last_built_day,
        max(build_days.last_built_at) as last_built_at,
        count(*) as days_built
    from cdm.build_days
),

driver_days as (
    select max(turnover_drivers.date_update) as last_drivers_day
    from cdm.turnover_drivers
    where turnover_drivers.kind = 'total'
),

stg_loads as (
    select
        count(*) as stg_partitions,
        max(load_state.updated_at) as stg_loaded_at
    from stg.load_state
),

overview as (
    select
        to_char(metric_days.first_day, 'YYYY-MM-DD') as first_day,
        to_char(metric_days.last_day, 'YYYY-MM-DD') as last_day,
        metric_days.days_with_data,
        to_char(builds.last_built_day, 'YYYY-MM-DD') as last_built_day,
        to_char(builds.last_built_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_built_at,
        builds.days_built,
        to_char(driver_days.last_drivers_day, 'YYYY-MM-DD') as last_drivers_day,
        stg_loads.stg_partitions,
        to_char(stg_loads.stg_loaded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as stg_loaded_at
    from metric_days
    cross join builds
    cross join driver_days
    cross join stg_loads
)

select * from overview

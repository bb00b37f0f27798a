-- cdm.data_quality_daily of the days from..to (parameters 1, 2): one row per
-- (day, metric, dimension), non-zero values only (metrics: docs/marts.md).
select
    to_char(data_quality_daily.date_update, 'YYYY-MM-DD') as day,
    data_quality_daily.metric,
    data_quality_daily.dimension,
    data_quality_daily.value
from cdm.data_quality_daily
where data_quality_daily.date_update between {{ param(1) }}::date and {{ param(2) }}::date
order by
    data_quality_daily.date_update,
    data_quality_daily.metric,
    data_quality_daily.dimension

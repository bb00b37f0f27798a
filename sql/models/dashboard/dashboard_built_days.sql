-- The days of from..to (parameters 1, 2) that have been built: a built day
-- without rows had no counted transaction (turnover 0), an unbuilt day is
-- unknown.
select to_char(build_days.date_update, 'YYYY-MM-DD') as day
from cdm.build_days
where build_days.date_update between {{ param(1) }}::date and {{ param(2) }}::date
order by build_days.date_update

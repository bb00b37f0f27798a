select to_char(days.date_update, 'YYYY-MM-DD') as day
from (
    select build_days.date_update from cdm.build_days
    union
    select build_failures.date_update from cdm.build_failures
) as days
where days.date_update between ?::date and ?::date
order by days.date_update

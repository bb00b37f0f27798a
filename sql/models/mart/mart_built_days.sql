-- The days of from..to (parameters 1, 2) that have data in the marts' sense:
-- built at least once, or refused for their data (cdm.build_failures), so
-- that a late rate reaches a refused day too and a build after it does not
-- gap-fill over it.
select to_char(days.date_update, 'YYYY-MM-DD') as day
from (
    select build_days.date_update from cdm.build_days
    union
    select build_failures.date_update from cdm.build_failures
) as days
where days.date_update between {{ param(1) }}::date and {{ param(2) }}::date
order by days.date_update

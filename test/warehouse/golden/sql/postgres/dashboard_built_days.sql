select to_char(build_days.date_update, 'YYYY-MM-DD') as day
from cdm.build_days
where build_days.date_update between $1::date and $2::date
order by build_days.date_update

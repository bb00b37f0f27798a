-- The days of $1..$2 that have been built at least once.
select to_char(date_update, 'YYYY-MM-DD') as day
from cdm.build_days
where date_update between $1::date and $2::date
order by date_update

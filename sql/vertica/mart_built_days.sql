-- The days of ?..? (from, to) that have been built at least once.
select to_char(date_update, 'YYYY-MM-DD') as day
from cdm.build_days
where date_update between ?::date and ?::date
order by date_update

-- The queue of days STG touched since they were last built. touched_at is read
-- as text so that the row can be deleted by its exact value (microseconds).
select
    to_char(day, 'YYYY-MM-DD') as day,
    kind,
    touched_at::{{ text }} as touched_at
from stg.touched_days
order by
    day,
    kind

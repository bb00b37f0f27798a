select
    to_char(day, 'YYYY-MM-DD') as day,
    kind,
    touched_at::text as touched_at
from stg.touched_days
order by
    day,
    kind

select next_offset
from stg.load_state
where
    topic = $1
    and incarnation = $2
    and "partition" = $3

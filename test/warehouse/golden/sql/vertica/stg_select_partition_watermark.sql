select next_offset
from stg.load_state
where
    topic = ?
    and "partition" = ?

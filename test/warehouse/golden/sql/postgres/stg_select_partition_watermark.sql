select next_offset
from stg.load_state
where
    topic = $1
    and partition = $2

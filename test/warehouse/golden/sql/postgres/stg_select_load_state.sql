select
    topic,
    incarnation,
    "partition" as partition_id,
    next_offset
from stg.load_state
order by topic, incarnation, "partition"

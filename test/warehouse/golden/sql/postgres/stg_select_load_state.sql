select
    topic,
    partition as partition_id,
    next_offset
from stg.load_state
order by topic, partition

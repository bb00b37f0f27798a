-- The committed watermark of one (topic, partition): $1 topic, $2 partition.
select next_offset
from stg.load_state
where
    topic = $1
    and partition = $2

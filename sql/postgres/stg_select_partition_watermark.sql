-- The committed watermark of one (topic, incarnation, partition):
-- $1 topic, $2 incarnation, $3 partition.
select next_offset
from stg.load_state
where
    topic = $1
    and incarnation = $2
    and partition = $3

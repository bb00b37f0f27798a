-- The committed watermark of one (topic, incarnation, partition).
select next_offset
from stg.load_state
where
    topic = ?
    and incarnation = ?
    and "partition" = ?

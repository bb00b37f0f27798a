-- The committed watermark of one (topic, partition).
select next_offset
from stg.load_state
where
    topic = ?
    and "partition" = ?

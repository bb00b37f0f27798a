-- The committed watermark of one (topic, incarnation, partition), parameters 1, 2, 3.
select next_offset
from stg.load_state
where
    topic = {{ param(1) }}
    and incarnation = {{ param(2) }}
    and "partition" = {{ param(3) }}

-- Records landed for a consumer group on a topic: the sum of its next offsets.
select coalesce(sum(next_offset), 0)::text as landed
from raw.consumer_offsets
where
    group_id = $1
    and topic = $2

-- Next offsets of a group's partitions; a partition without a row has landed nothing yet.
select
    partition,
    next_offset
from raw.consumer_offsets
where group_id = $1
  and topic = $2
  and partition = any($3::int[])

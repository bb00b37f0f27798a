-- Where a group starts in a newly opened incarnation, written in the
-- transaction that opens it (so a crash before anything lands keeps the
-- decision, `latest` included): $1 group_id, $2 topic, $3 incarnation,
-- $4 partitions, $5 next offsets.
insert into raw.consumer_offsets (group_id, topic, incarnation, partition, next_offset, updated_at)
select
    $1,
    $2,
    $3,
    s.partition,
    s.next_offset,
    now()
from unnest($4::int[], $5::bigint[]) as s (partition, next_offset)

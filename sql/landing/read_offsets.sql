-- Where a group's partitions continue in one incarnation of the topic: its
-- next offset when it has a row; otherwise just after what is already landed
-- for that (topic, incarnation, partition) — a renamed group, or a lost
-- offsets row, then continues instead of running into the primary key; null
-- when the group has no row and nothing is landed (the consumer starts at the
-- earliest offset Kafka still has).
-- $1 group_id, $2 topic, $3 incarnation, $4 partitions
select
    p.partition,
    coalesce(
        o.next_offset,
        (
            select max(m."offset") + 1
            from raw.kafka_messages as m
            where m.topic = $2
              and m.incarnation = $3
              and m.partition = p.partition
        )
    ) as next_offset
from unnest($4::int[]) as p (partition)
left join raw.consumer_offsets as o
    on o.group_id = $1
    and o.topic = $2
    and o.incarnation = $3
    and o.partition = p.partition

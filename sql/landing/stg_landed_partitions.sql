-- Every (topic, incarnation, partition) present in the landing zone, found
-- with a loose index scan on the primary key: one index probe per partition
-- instead of a scan of every landed row.
with recursive landed_partitions as (
    (
        select
            topic,
            incarnation,
            partition
        from raw.kafka_messages
        order by topic, incarnation, partition
        limit 1
    )
    union all
    select
        next_partition.topic,
        next_partition.incarnation,
        next_partition.partition
    from landed_partitions as previous
    cross join lateral (
        select
            k.topic,
            k.incarnation,
            k.partition
        from raw.kafka_messages as k
        where (k.topic, k.incarnation, k.partition) > (previous.topic, previous.incarnation, previous.partition)
        order by k.topic, k.incarnation, k.partition
        limit 1
    ) as next_partition
)

select
    topic,
    incarnation,
    partition
from landed_partitions
order by topic, incarnation, partition

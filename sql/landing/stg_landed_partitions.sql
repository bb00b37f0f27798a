-- Every (topic, partition) present in the landing zone, found with a loose
-- index scan on the primary key: one index probe per partition instead of a
-- scan of every landed row.
with recursive landed_partitions as (
    (
        select
            topic,
            partition
        from raw.kafka_messages
        order by topic, partition
        limit 1
    )
    union all
    select
        next_partition.topic,
        next_partition.partition
    from landed_partitions as previous
    cross join lateral (
        select
            k.topic,
            k.partition
        from raw.kafka_messages as k
        where (k.topic, k.partition) > (previous.topic, previous.partition)
        order by k.topic, k.partition
        limit 1
    ) as next_partition
)

select
    topic,
    partition
from landed_partitions
order by topic, partition

-- Freshness of the landing zone for topic $1 and consumer group $2, per
-- partition of the topic's current incarnation: the first and the last
-- landed record (a loose index scan on the primary key: a few probes per
-- partition, never a scan of the landed rows) and the group's next offset to
-- land.
with recursive current_incarnation as (
    select coalesce(max(i.incarnation), 0) as incarnation
    from raw.topic_incarnations as i
    where i.topic = $1
),

landed_partitions as (
    (
        select k.partition
        from raw.kafka_messages as k
        where k.topic = $1
          and k.incarnation = (select incarnation from current_incarnation)
        order by k.partition
        limit 1
    )
    union all
    select next_partition.partition
    from landed_partitions as previous
    cross join lateral (
        select k.partition
        from raw.kafka_messages as k
        where k.topic = $1
          and k.incarnation = (select incarnation from current_incarnation)
          and k.partition > previous.partition
        order by k.partition
        limit 1
    ) as next_partition
),

last_landed as (
    select
        landed_partitions.partition,
        earliest."offset" as first_offset,
        latest."offset" as last_offset,
        latest.ingested_at,
        latest.kafka_timestamp
    from landed_partitions
    cross join lateral (
        select k."offset"
        from raw.kafka_messages as k
        where k.topic = $1
          and k.incarnation = (select incarnation from current_incarnation)
          and k.partition = landed_partitions.partition
        order by k."offset"
        limit 1
    ) as earliest
    cross join lateral (
        select
            k."offset",
            k.ingested_at,
            k.kafka_timestamp
        from raw.kafka_messages as k
        where k.topic = $1
          and k.incarnation = (select incarnation from current_incarnation)
          and k.partition = landed_partitions.partition
        order by k."offset" desc
        limit 1
    ) as latest
),

group_offsets as (
    select
        consumer_offsets.partition,
        consumer_offsets.next_offset,
        consumer_offsets.updated_at
    from raw.consumer_offsets
    where consumer_offsets.topic = $1
      and consumer_offsets.group_id = $2
      and consumer_offsets.incarnation = (select incarnation from current_incarnation)
)

select
    (select incarnation from current_incarnation) as incarnation,
    coalesce(last_landed.partition, group_offsets.partition) as partition_id,
    last_landed.first_offset,
    last_landed.last_offset,
    to_char(last_landed.ingested_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ingested_at,
    to_char(last_landed.kafka_timestamp at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as kafka_timestamp,
    group_offsets.next_offset as group_next_offset,
    to_char(group_offsets.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as group_updated_at
from last_landed
full outer join group_offsets
    on group_offsets.partition = last_landed.partition
order by partition_id

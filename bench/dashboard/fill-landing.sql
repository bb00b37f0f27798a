-- A landing zone of $1 records of ~400 bytes on 3 partitions of topic $2,
-- and the group's offsets: what the freshness probes read with index probes.
with landed as (
    insert into raw.kafka_messages (topic, incarnation, partition, "offset", key, value, kafka_timestamp, kafka_timestamp_ms, ingested_at)
    select
        $2,
        0,
        i % 3,
        i / 3,
        null,
        convert_to(repeat('x', 400), 'UTF8'),
        now() - interval '1 hour' + i * interval '1 millisecond',
        (extract(epoch from now() - interval '1 hour') * 1000)::bigint + i,
        now() - interval '1 hour' + i * interval '1 millisecond'
    from generate_series(0, $1::bigint - 1) as i
    returning partition, "offset"
)

insert into raw.consumer_offsets (group_id, topic, incarnation, partition, next_offset)
select 'turnover-ingest', $2, 0, partition, max("offset") + 1
from landed
group by partition

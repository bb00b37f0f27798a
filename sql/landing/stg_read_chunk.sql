-- One chunk of landed records of a (topic, partition), from the loader's
-- watermark on, in offset order: $1 topic, $2 partition, $3 first offset, $4 chunk size.
select
    "offset",
    key,
    value,
    (extract(epoch from kafka_timestamp) * 1000)::bigint as kafka_timestamp_ms
from raw.kafka_messages
where
    topic = $1
    and partition = $2
    and "offset" >= $3
order by "offset"
limit $4

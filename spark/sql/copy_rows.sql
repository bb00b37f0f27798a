-- Each Kafka record of a micro-batch as one row of raw.kafka_messages in
-- PostgreSQL's COPY BINARY format (rows only: the driver adds the COPY
-- signature and trailer), computed by the executors so that the driver only
-- concatenates bytes. Column order: topic, partition, "offset", key, value,
-- headers, kafka_timestamp (ingested_at takes its default, the transaction's now()).
-- Session settings this relies on (spark/turnover_spark/session.py):
--   spark.sql.ansi.enabled=false           cast of int / bigint to binary = big-endian bytes
--   spark.sql.chunkBase64String.enabled=false   base64 without MIME line breaks
-- kafka_batch is the micro-batch of the Kafka source (a temporary view).
with records as (
    select
        partition,
        offset,
        encode(topic, 'UTF-8') as topic_bytes,
        key,
        value,
        -- the landing contract: [{"key": name, "value": base64 | null}, ...] in order; null when none
        case
            when headers is null or size(headers) = 0 then null
            else encode(
                to_json(
                    transform(headers, h -> named_struct('key', h.key, 'value', base64(h.value))),
                    map('ignoreNullFields', 'false')
                ),
                'UTF-8'
            )
        end as headers_bytes,
        -- timestamptz on the wire: microseconds since 2000-01-01 UTC
        unix_micros(timestamp) - 946684800000000 as pg_micros
    from kafka_batch
),

fields as (
    select
        partition,
        offset,
        concat(cast(length(topic_bytes) as binary), topic_bytes) as topic_field,
        concat(X'00000004', cast(partition as binary)) as partition_field,
        concat(X'00000008', cast(offset as binary)) as offset_field,
        -- a null field is the length -1
        coalesce(concat(cast(length(key) as binary), key), X'FFFFFFFF') as key_field,
        coalesce(concat(cast(length(value) as binary), value), X'FFFFFFFF') as value_field,
        -- jsonb: version byte 1, then the text
        coalesce(concat(cast(length(headers_bytes) + 1 as binary), X'01', headers_bytes), X'FFFFFFFF') as headers_field,
        concat(X'00000008', cast(pg_micros as binary)) as timestamp_field
    from records
)

select
    partition,
    offset,
    -- 7 fields per row
    concat(
        X'0007',
        topic_field,
        partition_field,
        offset_field,
        key_field,
        value_field,
        headers_field,
        timestamp_field
    ) as copy_row
from fields

-- Each Kafka record of a micro-batch as one row of raw.kafka_messages in
-- PostgreSQL's COPY BINARY format (rows only: the driver adds the COPY
-- signature and trailer), computed by the executors so that the driver only
-- concatenates bytes. Column order: topic, incarnation, partition, "offset",
-- key, value, headers, kafka_timestamp, kafka_timestamp_ms (ingested_at takes
-- its default, the transaction's now()). :incarnation is the landing's
-- incarnation of the topic the job lands in (a named parameter of
-- spark.sql). spark/turnover_spark/copy_row.py writes the same bytes in
-- Python for the records this query leaves to the driver.
-- Session settings this relies on (spark/turnover_spark/session.py):
--   spark.sql.ansi.enabled=false           cast of int / bigint to binary = big-endian bytes
-- kafka_batch is the micro-batch of the Kafka source (a temporary view).
--
-- copy_row is null for a record whose timestamp Spark's Kafka source did not
-- keep exactly: before the Gregorian cut-over (1582-10-15) the source rebases
-- the instant from the Julian calendar (days off, and two Julian days can map
-- to one), so any instant before 1582-10-17 (two days of margin for the JVM's
-- time zone) is read again on the driver with the exact int64
-- (spark/turnover_spark/exact_records.py). Every instant from there on is
-- exact in Spark's microseconds and inside timestamptz's range.
with records as (
    select
        partition,
        offset,
        encode(topic, 'UTF-8') as topic_bytes,
        key,
        value,
        headers,
        unix_millis(timestamp) as timestamp_ms
    from kafka_batch
),

fields as (
    select
        partition,
        offset,
        timestamp_ms < -12219120000000 as rebased,
        concat(cast(length(topic_bytes) as binary), topic_bytes) as topic_field,
        concat(X'00000004', cast(cast(:incarnation as int) as binary)) as incarnation_field,
        concat(X'00000004', cast(partition as binary)) as partition_field,
        concat(X'00000008', cast(offset as binary)) as offset_field,
        -- a null field is the length -1
        coalesce(concat(cast(length(key) as binary), key), X'FFFFFFFF') as key_field,
        coalesce(concat(cast(length(value) as binary), value), X'FFFFFFFF') as value_field,
        -- bytea[][] in array_recv's format, one [name, value] row per header in
        -- record order (null when there are none): ndim 2, has-nulls flag,
        -- element type bytea (OID 17), dims [n, 2] with lower bounds 1, then the
        -- elements row by row, a null value as the length -1
        case
            when headers is null or size(headers) = 0 then null
            else concat(
                X'00000002',
                if(exists(headers, h -> h.value is null), X'00000001', X'00000000'),
                X'00000011',
                cast(size(headers) as binary), X'00000001',
                X'0000000200000001',
                aggregate(
                    headers,
                    X'',
                    (elements, h) -> concat(
                        elements,
                        cast(length(encode(h.key, 'UTF-8')) as binary), encode(h.key, 'UTF-8'),
                        coalesce(concat(cast(length(h.value) as binary), h.value), X'FFFFFFFF')
                    )
                )
            )
        end as headers_array,
        -- timestamptz on the wire: microseconds since 2000-01-01 UTC
        concat(X'00000008', cast(timestamp_ms * 1000 - 946684800000000 as binary)) as timestamp_field,
        concat(X'00000008', cast(timestamp_ms as binary)) as timestamp_ms_field
    from records
)

select
    partition,
    offset,
    -- 9 fields per row
    if(
        rebased,
        null,
        concat(
            X'0009',
            topic_field,
            incarnation_field,
            partition_field,
            offset_field,
            key_field,
            value_field,
            coalesce(concat(cast(length(headers_array) as binary), headers_array), X'FFFFFFFF'),
            timestamp_field,
            timestamp_ms_field
        )
    ) as copy_row
from fields

-- One chunk of landed records of a (topic, incarnation, partition), from the loader's
-- watermark on, in offset order, as COPY BINARY (values as stored: no hex
-- text, no timestamp text; the Kafka timestamp as its exact int64 of ms, which
-- any record has, where kafka_timestamp is null outside timestamptz's range).
-- Bounds: the settings of stg_read_chunk_bounds.sql.
-- The offset comes last, so the chunk's last offset sits at a fixed distance
-- from the end of the data (the next chunk starts after it, read unparsed).
copy (
    select
        key,
        value,
        kafka_timestamp_ms,
        "offset"
    from raw.kafka_messages
    where
        topic = current_setting('turnover.stg_topic')
        and incarnation = current_setting('turnover.stg_incarnation')::integer
        and partition = current_setting('turnover.stg_partition')::integer
        and "offset" >= current_setting('turnover.stg_from_offset')::bigint
    order by "offset"
    limit current_setting('turnover.stg_chunk_size')::bigint
) to stdout (format binary)

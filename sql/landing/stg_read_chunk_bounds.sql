-- The bounds of the next chunk that stg_copy_chunk.sql reads, kept as settings
-- of the reader's own session because COPY takes no bound parameters:
-- $1 topic, $2 incarnation, $3 partition, $4 first offset, $5 chunk size.
select
    set_config('turnover.stg_topic', $1::text, false) as topic,
    set_config('turnover.stg_incarnation', $2::text, false) as incarnation,
    set_config('turnover.stg_partition', $3::text, false) as partition_id,
    set_config('turnover.stg_from_offset', $4::text, false) as from_offset,
    set_config('turnover.stg_chunk_size', $5::text, false) as chunk_size

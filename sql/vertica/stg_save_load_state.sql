-- Advances a watermark in the transaction of the rows it covers:
-- topic, incarnation, partition, next offset to load.
merge into stg.load_state as t
using (
    select
        ? as topic,
        ? as incarnation,
        ? as partition_id,
        ? as next_offset
) as s
on t.topic = s.topic and t.incarnation = s.incarnation and t."partition" = s.partition_id
when matched then update set
    next_offset = s.next_offset,
    updated_at = now()
when not matched then insert (topic, incarnation, "partition", next_offset, updated_at)
values (s.topic, s.incarnation, s.partition_id, s.next_offset, now())

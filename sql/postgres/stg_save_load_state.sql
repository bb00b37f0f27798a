-- Advances a watermark in the transaction of the rows it covers:
-- $1 topic, $2 partition, $3 next offset to load.
insert into stg.load_state (topic, partition, next_offset, updated_at)
values ($1, $2, $3, now())
on conflict (topic, partition) do update
set
    next_offset = excluded.next_offset,
    updated_at = excluded.updated_at

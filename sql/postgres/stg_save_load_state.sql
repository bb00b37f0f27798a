-- Advances a watermark in the transaction of the rows it covers:
-- $1 topic, $2 incarnation, $3 partition, $4 next offset to load.
insert into stg.load_state (topic, incarnation, partition, next_offset, updated_at)
values ($1, $2, $3, $4, now())
on conflict (topic, incarnation, partition) do update
set
    next_offset = excluded.next_offset,
    updated_at = excluded.updated_at

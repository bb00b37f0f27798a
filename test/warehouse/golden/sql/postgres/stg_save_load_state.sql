insert into stg.load_state as t (
    topic,
    incarnation,
    partition,
    next_offset,
    updated_at,
    records_read,
    inserted,
    updated,
    duplicates,
    rejected,
    conflicts
)
values ($1, $2, $3, $4, now(), $5, $6, $7, $8, $9, $10)
on conflict (topic, incarnation, partition) do update
set
    next_offset = excluded.next_offset,
    updated_at = excluded.updated_at,
    records_read = t.records_read + excluded.records_read,
    inserted = t.inserted + excluded.inserted,
    updated = t.updated + excluded.updated,
    duplicates = t.duplicates + excluded.duplicates,
    rejected = t.rejected + excluded.rejected,
    conflicts = t.conflicts + excluded.conflicts

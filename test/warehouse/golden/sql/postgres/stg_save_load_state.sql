insert into stg.load_state as state (
    topic,
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
values ($1, $2, $3, now(), $4, $5, $6, $7, $8, $9)
on conflict (topic, partition) do update
set
    next_offset = excluded.next_offset,
    updated_at = excluded.updated_at,
    records_read = state.records_read + excluded.records_read,
    inserted = state.inserted + excluded.inserted,
    updated = state.updated + excluded.updated,
    duplicates = state.duplicates + excluded.duplicates,
    rejected = state.rejected + excluded.rejected,
    conflicts = state.conflicts + excluded.conflicts

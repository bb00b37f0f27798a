merge into stg.load_state as t
using (
    select
        ? as topic,
        ? as partition_id,
        ? as next_offset,
        ? as records_read,
        ? as inserted,
        ? as updated,
        ? as duplicates,
        ? as rejected,
        ? as conflicts
) as s
on t.topic = s.topic and t."partition" = s.partition_id
when matched then update set
    next_offset = s.next_offset,
    updated_at = now(),
    records_read = t.records_read + s.records_read,
    inserted = t.inserted + s.inserted,
    updated = t.updated + s.updated,
    duplicates = t.duplicates + s.duplicates,
    rejected = t.rejected + s.rejected,
    conflicts = t.conflicts + s.conflicts
when not matched then insert (
    topic,
    "partition",
    next_offset,
    updated_at,
    records_read,
    inserted,
    updated,
    duplicates,
    rejected,
    conflicts
)
values (
    s.topic,
    s.partition_id,
    s.next_offset,
    now(),
    s.records_read,
    s.inserted,
    s.updated,
    s.duplicates,
    s.rejected,
    s.conflicts
)

-- Session-scoped work table: the distinct transaction keys of the chunk being
-- loaded, emptied at every commit or rollback.
create temporary table if not exists chunk_transaction_keys (
    operation_id uuid not null,
    status text not null
) on commit delete rows

-- Session-scoped work table: the distinct transaction keys of the chunk being
-- loaded. Created once per loader session (DDL commits on Vertica); its rows
-- go at every commit or rollback.
create {{ temporary }} table if not exists chunk_transaction_keys (
    operation_id uuid not null,
    status {{ text(32) }} not null
) on commit delete rows

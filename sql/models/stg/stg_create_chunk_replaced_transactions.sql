-- Session-scoped work table: keys whose stored transaction a newer version replaces.
create {{ temporary }} table if not exists chunk_replaced_transactions (
    operation_id uuid not null,
    status {{ text(32) }} not null
) on commit delete rows

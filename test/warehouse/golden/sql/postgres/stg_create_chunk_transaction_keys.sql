create temporary table if not exists chunk_transaction_keys (
    operation_id uuid not null,
    status text not null
) on commit delete rows

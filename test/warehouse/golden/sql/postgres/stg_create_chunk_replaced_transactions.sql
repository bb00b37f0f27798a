create temporary table if not exists chunk_replaced_transactions (
    operation_id uuid not null,
    status text not null
) on commit delete rows

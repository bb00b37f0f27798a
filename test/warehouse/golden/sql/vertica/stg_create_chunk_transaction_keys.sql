create local temporary table if not exists chunk_transaction_keys (
    operation_id uuid not null,
    status varchar(32) not null
) on commit delete rows

create local temporary table if not exists chunk_replaced_transactions (
    operation_id uuid not null,
    status varchar(32) not null
) on commit delete rows

delete from stg.transactions
where exists (
    select 1
    from chunk_replaced_transactions as r
    where
        r.operation_id = stg.transactions.operation_id
        and r.status = stg.transactions.status
)

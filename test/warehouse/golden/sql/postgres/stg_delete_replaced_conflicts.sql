delete from stg.transaction_conflicts
where exists (
    select 1
    from chunk_replaced_transactions as r
    where
        r.operation_id = stg.transaction_conflicts.operation_id
        and r.status = stg.transaction_conflicts.status
)

-- Removes the conflicts of replaced keys; the loader re-inserts them re-pointed.
-- (`where exists`, not `delete … using`: Vertica's delete has no using.)
delete from stg.transaction_conflicts
where exists (
    select 1
    from chunk_replaced_transactions as r
    where
        r.operation_id = stg.transaction_conflicts.operation_id
        and r.status = stg.transaction_conflicts.status
)

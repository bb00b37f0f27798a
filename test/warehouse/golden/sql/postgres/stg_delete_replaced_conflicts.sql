delete from stg.transaction_conflicts as c
using chunk_replaced_transactions as r
where
    c.operation_id = r.operation_id
    and c.status = r.status

-- Removes stored transactions that a newer version of the chunk replaces.
delete from stg.transactions as t
using chunk_replaced_transactions as r
where
    t.operation_id = r.operation_id
    and t.status = r.status

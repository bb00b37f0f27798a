-- Removes stored transactions that a newer version of the chunk replaces.
-- One file per dialect: PostgreSQL's (sql/postgres/) deletes by row ids
-- found by a lateral primary-key probe, which Vertica does not have.
delete from stg.transactions
where exists (
    select 1
    from chunk_replaced_transactions as r
    where
        r.operation_id = stg.transactions.operation_id
        and r.status = stg.transactions.status
)

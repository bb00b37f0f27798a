-- Removes stored transactions that a newer version of the chunk replaces.
-- delete_by_key: in PostgreSQL, the rows found by one primary-key probe per
-- replaced key (never a scan of stg.transactions), deleted by their row ids.
{{ delete_by_key(stg.transactions as t, chunk_replaced_transactions as r, operation_id, status) }}

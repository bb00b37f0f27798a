-- Removes stored transactions that a newer version of the chunk replaces:
-- the rows found by one primary-key probe per replaced key (never a scan of
-- stg.transactions), deleted by their row ids.
-- One file per dialect (sql/vertica/ deletes where exists): ctid and the
-- lateral probe are PostgreSQL's.
with replaced as (
    select
        operation_id,
        status
    from chunk_replaced_transactions
),

stored as (
    select found.row_id
    from replaced as r
    cross join lateral (
        select t.ctid as row_id
        from stg.transactions as t
        where
            t.operation_id = r.operation_id
            and t.status = r.status
        limit 1
    ) as found
)

delete from stg.transactions
where ctid = any (array(select row_id from stored))

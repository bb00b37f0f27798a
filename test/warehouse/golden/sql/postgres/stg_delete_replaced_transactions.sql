with stored as (
    select found.row_id
    from chunk_replaced_transactions as r
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

copy (
    with chunk_keys as (
        select
            operation_id,
            status
        from chunk_transaction_keys
    )

    select
        t.operation_id,
        t.status,
        t.object_id,
        t.account_number_from,
        t.account_number_to,
        t.currency_code,
        t.country,
        t.transaction_type,
        t.amount,
        t.transaction_dt,
        t.transaction_date,
        t.sent_dttm,
        t.src_topic,
        t.src_partition,
        t.src_offset
    from chunk_keys as k
    cross join lateral (
        select stored.*
        from stg.transactions as stored
        where
            stored.operation_id = k.operation_id
            and stored.status = k.status
        limit 1
    ) as t
) to stdout (format binary)

-- Stored versions of the chunk's transaction keys, in the contract's
-- canonical text forms so the loader compares them with parsed records:
-- one primary-key lookup per chunk key (key_lookup: a lateral probe where
-- the planner would otherwise hash the whole of stg.transactions for a work
-- table it has no statistics on).
with chunk_keys as (
    select
        operation_id,
        status
    from chunk_transaction_keys
)

select
    t.operation_id::{{ text }} as operation_id,
    t.status,
    t.object_id::{{ text }} as object_id,
    t.account_number_from,
    t.account_number_to,
    t.currency_code,
    t.country,
    t.transaction_type,
    t.amount,
    to_char(t.transaction_dt, 'YYYY-MM-DD HH24:MI:SS.US') as transaction_dt,
    to_char(t.transaction_date, 'YYYY-MM-DD') as transaction_date,
    to_char(t.sent_dttm, 'YYYY-MM-DD HH24:MI:SS.US') as sent_dttm,
    t.src_topic,
    t.src_partition,
    t.src_offset,
    t.src_incarnation
{{ key_lookup(stg.transactions as t, chunk_keys as k, operation_id, status) }}

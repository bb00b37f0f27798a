with chunk_keys as (
    select
        operation_id,
        status
    from chunk_transaction_keys
)

select
    t.operation_id::varchar as operation_id,
    t.status,
    t.object_id::varchar as object_id,
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
    t.src_offset
from stg.transactions as t
inner join chunk_keys as k
    on
        t.operation_id = k.operation_id
        and t.status = k.status

-- The reference of the STG target (SPEC §6): one in-database INSERT … SELECT
-- that parses the same raw rows with jsonb and deduplicates. OFFSET 0 keeps
-- the subquery from being inlined (which would parse the JSON once per column).
insert into bench_reference_transactions (
    operation_id, status, object_id, account_number_from, account_number_to, currency_code, country,
    transaction_type, amount, transaction_dt, transaction_date, sent_dttm, src_topic, src_partition, src_offset
)
select distinct on (operation_id, status)
    operation_id, status, object_id, account_number_from, account_number_to, currency_code, country,
    transaction_type, amount, transaction_dt, transaction_dt::date, sent_dttm, topic, partition, "offset"
from (
    select
        (j -> 'payload' ->> 'operation_id')::uuid as operation_id,
        j -> 'payload' ->> 'status' as status,
        (j ->> 'object_id')::uuid as object_id,
        (j -> 'payload' ->> 'account_number_from')::bigint as account_number_from,
        (j -> 'payload' ->> 'account_number_to')::bigint as account_number_to,
        (j -> 'payload' ->> 'currency_code')::integer as currency_code,
        j -> 'payload' ->> 'country' as country,
        j -> 'payload' ->> 'transaction_type' as transaction_type,
        (j -> 'payload' ->> 'amount')::bigint as amount,
        (j -> 'payload' ->> 'transaction_dt')::timestamp as transaction_dt,
        (j ->> 'sent_dttm')::timestamp as sent_dttm,
        topic,
        partition,
        "offset"
    from (
        select topic, partition, "offset", convert_from(value, 'UTF8')::jsonb as j
        from raw.kafka_messages
        offset 0
    ) as parsed
    where j ->> 'object_type' = 'TRANSACTION'
) as typed
order by operation_id, status, sent_dttm desc, "offset" desc
on conflict (operation_id, status) do update set
    amount = excluded.amount,
    sent_dttm = excluded.sent_dttm,
    src_partition = excluded.src_partition,
    src_offset = excluded.src_offset

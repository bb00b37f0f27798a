-- Stored versions of the chunk's currency keys.
with chunk_keys as (
    select
        date_update,
        currency_code,
        currency_code_with
    from chunk_currency_keys
)

select
    to_char(c.date_update, 'YYYY-MM-DD') as date_update,
    c.currency_code,
    c.currency_code_with,
    c.currency_with_div::{{ text }} as currency_with_div,
    to_char(c.sent_dttm, 'YYYY-MM-DD HH24:MI:SS.US') as sent_dttm,
    c.src_topic,
    c.src_partition,
    c.src_offset,
    c.src_incarnation
from stg.currencies as c
inner join chunk_keys as k
    on
        c.date_update = k.date_update
        and c.currency_code = k.currency_code
        and c.currency_code_with = k.currency_code_with

-- Conflicts already logged for keys whose kept version is being replaced:
-- they are re-pointed at the new winner.
with replaced as (
    select
        operation_id,
        status
    from chunk_replaced_transactions
)

select
    c.operation_id::{{ text }} as operation_id,
    c.status,
    to_char(c.transaction_date, 'YYYY-MM-DD') as transaction_date,
    c.kept_partition,
    c.kept_offset,
    c.other_partition,
    c.other_offset,
    c.kept_incarnation,
    c.other_incarnation
from stg.transaction_conflicts as c
inner join replaced as r
    on
        c.operation_id = r.operation_id
        and c.status = r.status

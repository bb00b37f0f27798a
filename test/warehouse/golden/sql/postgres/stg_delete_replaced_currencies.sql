delete from stg.currencies as c
using chunk_replaced_currencies as r
where
    c.date_update = r.date_update
    and c.currency_code = r.currency_code
    and c.currency_code_with = r.currency_code_with

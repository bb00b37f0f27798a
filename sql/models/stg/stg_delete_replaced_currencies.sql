-- Removes stored rates that a newer version of the chunk replaces.
-- (`where exists`, not `delete … using`: Vertica's delete has no using.)
delete from stg.currencies
where exists (
    select 1
    from chunk_replaced_currencies as r
    where
        r.date_update = stg.currencies.date_update
        and r.currency_code = stg.currencies.currency_code
        and r.currency_code_with = stg.currencies.currency_code_with
)

-- Session-scoped work table: the distinct currency keys of the chunk being loaded.
create {{ temporary }} table if not exists chunk_currency_keys (
    date_update date not null,
    currency_code {{ int4 }} not null,
    currency_code_with {{ int4 }} not null
) on commit delete rows

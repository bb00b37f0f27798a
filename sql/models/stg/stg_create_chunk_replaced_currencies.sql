-- Session-scoped work table: keys whose stored rate a newer version replaces.
create {{ temporary }} table if not exists chunk_replaced_currencies (
    date_update date not null,
    currency_code {{ int4 }} not null,
    currency_code_with {{ int4 }} not null
) on commit delete rows

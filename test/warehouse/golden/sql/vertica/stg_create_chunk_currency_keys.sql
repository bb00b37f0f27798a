create local temporary table if not exists chunk_currency_keys (
    date_update date not null,
    currency_code int not null,
    currency_code_with int not null
) on commit delete rows

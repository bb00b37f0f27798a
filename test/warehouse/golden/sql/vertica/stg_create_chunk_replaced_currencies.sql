create local temporary table if not exists chunk_replaced_currencies (
    date_update date not null,
    currency_code int not null,
    currency_code_with int not null
) on commit delete rows

create temporary table if not exists chunk_replaced_currencies (
    date_update date not null,
    currency_code integer not null,
    currency_code_with integer not null
) on commit delete rows

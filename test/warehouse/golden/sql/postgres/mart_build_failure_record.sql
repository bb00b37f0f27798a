insert into cdm.build_failures (date_update, sqlstate, detail, failed_at)
values ($1::date, $2::text, $3::text, now())
on conflict (date_update) do update
set
    sqlstate = excluded.sqlstate,
    detail = excluded.detail,
    failed_at = excluded.failed_at

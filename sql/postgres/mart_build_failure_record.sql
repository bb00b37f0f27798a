-- Records that the build of day $1 was refused for its data ($2 SQLSTATE,
-- $3 the warehouse's message); a day that failed before keeps one row, the latest.
insert into cdm.build_failures (date_update, sqlstate, detail, failed_at)
values ($1::date, $2, $3, now())
on conflict (date_update) do update
set
    sqlstate = excluded.sqlstate,
    detail = excluded.detail,
    failed_at = excluded.failed_at

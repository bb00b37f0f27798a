insert into stg.touched_days (day, kind, touched_at)
values ($1::date, $2, now())
on conflict (day, kind) do update
set touched_at = excluded.touched_at

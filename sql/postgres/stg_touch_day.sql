-- Enqueues a business day for the marts ($1 day, $2 kind: transactions or
-- currencies); a day already queued gets a fresh touched_at.
insert into stg.touched_days (day, kind, touched_at)
values ($1::date, $2, now())
on conflict (day, kind) do update
set touched_at = excluded.touched_at

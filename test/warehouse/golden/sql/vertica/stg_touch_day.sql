merge into stg.touched_days as t
using (
    select
        ?::date as day,
        ? as kind
) as s
on t.day = s.day and t.kind = s.kind
when matched then update set
    touched_at = now()
when not matched then insert (day, kind, touched_at)
values (s.day, s.kind, now())

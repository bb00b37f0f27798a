merge into cdm.build_failures as t
using (
    select
        ?::date as date_update,
        ?::varchar(5) as sqlstate,
        ?::varchar(4000) as detail
) as s
on t.date_update = s.date_update
when matched then update set
    sqlstate = s.sqlstate,
    detail = s.detail,
    failed_at = now()
when not matched then insert (date_update, sqlstate, detail, failed_at)
values (s.date_update, s.sqlstate, s.detail, now())

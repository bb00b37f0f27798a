merge into cdm.build_failures as failures
using (
    select
        ?::date as date_update,
        ?::varchar(5) as sqlstate,
        ?::varchar(4000) as detail
) as failed
on failures.date_update = failed.date_update
when matched then update set
    sqlstate = failed.sqlstate,
    detail = failed.detail,
    failed_at = now()
when not matched then insert (date_update, sqlstate, detail, failed_at)
values (failed.date_update, failed.sqlstate, failed.detail, now())

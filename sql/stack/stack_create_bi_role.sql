-- The BI tools' login (Superset, Metabase): may log in, owns nothing,
-- inherits nothing. Created once; stack_set_bi_password sets its password.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'turnover_bi') then
        create role turnover_bi login nosuperuser nocreatedb nocreaterole noinherit noreplication;
    end if;
end
$$

-- Run in the landing database: only the pipeline's own login reaches it;
-- PUBLIC (and so the BI login) may not even connect. A database name cannot
-- be bound, hence format() over the current one.
do $$
begin
    execute format('revoke connect on database %I from public', current_database());
end
$$

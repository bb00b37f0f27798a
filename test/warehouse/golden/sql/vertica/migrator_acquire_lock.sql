insert into public.turnover_migration_lock (lock_name, owner, acquired_at)
values ('migrate', ?, now())

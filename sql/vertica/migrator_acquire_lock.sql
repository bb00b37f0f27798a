-- Takes the migration lock for owner ?; fails on the enforced key while another run holds it.
insert into public.turnover_migration_lock (lock_name, owner, acquired_at)
values ('migrate', ?, now())

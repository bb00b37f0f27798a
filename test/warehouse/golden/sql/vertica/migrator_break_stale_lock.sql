delete from public.turnover_migration_lock
where
    lock_name = 'migrate'
    and acquired_at < now() - (? * interval '1 minute')

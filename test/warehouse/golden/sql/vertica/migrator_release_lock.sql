delete from public.turnover_migration_lock
where
    lock_name = 'migrate'
    and owner = ?

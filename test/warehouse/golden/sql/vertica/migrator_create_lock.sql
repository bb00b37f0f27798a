create table if not exists public.turnover_migration_lock (
    lock_name varchar(32) not null,
    owner varchar(255) not null,
    acquired_at timestamptz not null,
    primary key (lock_name) enabled
)

-- Vertica has no advisory locks: concurrent migrate runs serialise on the one
-- row this table may hold (the primary key is enforced).
create table if not exists public.turnover_migration_lock (
    lock_name varchar(32) not null,
    owner varchar(255) not null,
    acquired_at timestamptz not null,
    primary key (lock_name) enabled
)

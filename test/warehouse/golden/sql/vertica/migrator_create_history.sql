create table if not exists public.turnover_migrations (
    scope varchar(32) not null,
    version varchar(8) not null,
    name varchar(255) not null,
    checksum varchar(64) not null,
    applied_at timestamptz not null default now(),
    primary key (scope, version) enabled
)

-- Days whose build the warehouse refused for their data; same meaning as
-- sql/postgres/migrations/cdm/0003_build_failures.sql.
create table if not exists cdm.build_failures (
    date_update date not null,
    sqlstate varchar(5) not null,
    detail varchar(4000) not null,
    failed_at timestamptz not null,
    primary key (date_update) enabled
)
order by date_update
unsegmented all nodes;

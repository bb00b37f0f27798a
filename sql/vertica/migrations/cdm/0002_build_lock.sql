-- The lock a build-marts run holds from its start to its end; same meaning as
-- sql/postgres/migrations/cdm/0002_build_lock.sql. No rows.
create table if not exists cdm.build_lock (
    id int not null,
    primary key (id) enabled
)
order by id
unsegmented all nodes;

-- What each partition's loaded records became, counted with its watermark;
-- same meaning as sql/postgres/migrations/stg/0003_load_state_counters.sql.
-- Idempotent like every Vertica migration (DDL commits at once).
alter table stg.load_state add column if not exists records_read int default 0 not null;
alter table stg.load_state add column if not exists inserted int default 0 not null;
alter table stg.load_state add column if not exists updated int default 0 not null;
alter table stg.load_state add column if not exists duplicates int default 0 not null;
alter table stg.load_state add column if not exists rejected int default 0 not null;
alter table stg.load_state add column if not exists conflicts int default 0 not null;

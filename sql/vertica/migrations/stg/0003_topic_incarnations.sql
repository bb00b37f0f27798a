-- Topic incarnations: the same columns and meanings as
-- sql/postgres/migrations/stg/0004_topic_incarnations.sql (read its
-- comments). Idempotent like every Vertica migration; the keys that include
-- the new columns change in migrations 0004-0006.
alter table stg.load_state add column if not exists incarnation int default 0 not null;
alter table stg.transactions add column if not exists src_incarnation int default 0 not null;
alter table stg.currencies add column if not exists src_incarnation int default 0 not null;
alter table stg.rejects add column if not exists src_incarnation int default 0 not null;
alter table stg.transaction_conflicts add column if not exists kept_incarnation int default 0 not null;
alter table stg.transaction_conflicts add column if not exists other_incarnation int default 0 not null;

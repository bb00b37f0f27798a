-- Topic incarnations (issue 17; landing migration 0003). A topic deleted and
-- created again under the same name restarts at offset 0, so the landing
-- keeps each lineage of its log as an incarnation, and so does STG: the
-- watermark is per (topic, incarnation, partition) — a new incarnation's
-- offsets start below the old one's watermark and would otherwise be
-- skipped — and every coordinate of a landed record gains its incarnation
-- (a reject, or a logged conflict, of the new incarnation at the same offset
-- is another record). Natural keys (operation_id, status) and the marts are
-- unaffected. Everything loaded before belongs to incarnation 0.

alter table stg.load_state
    add column incarnation integer not null default 0;
alter table stg.load_state
    drop constraint load_state_pkey,
    add constraint load_state_pkey primary key (topic, incarnation, partition);

alter table stg.transactions
    add column src_incarnation integer not null default 0;

alter table stg.currencies
    add column src_incarnation integer not null default 0;

alter table stg.rejects
    add column src_incarnation integer not null default 0;
alter table stg.rejects
    drop constraint rejects_pkey,
    add constraint rejects_pkey primary key (src_topic, src_incarnation, src_partition, src_offset);

alter table stg.transaction_conflicts
    add column kept_incarnation integer not null default 0,
    add column other_incarnation integer not null default 0;
alter table stg.transaction_conflicts
    drop constraint transaction_conflicts_pkey,
    add constraint transaction_conflicts_pkey primary key (operation_id, status, other_incarnation, other_partition, other_offset);

-- What each partition's loaded records became, counted in the transaction
-- that advances its watermark (so they can never disagree with it): every
-- record read into a committed chunk is exactly one of inserted, updated,
-- duplicate or rejected (the chunk's reconciliation, summed), and
-- records_read is then the number of landed records below the watermark
-- that the loader has read since this migration. A chunk written twice
-- would show up here as more reads than landed records and as extra
-- duplicates, even where the dedup rule collapses its rows into the same STG
-- (docs/staging.md, "Proof after a crash"). Rows of existing partitions
-- start counting at 0.
alter table stg.load_state
    add column if not exists records_read bigint not null default 0,
    add column if not exists inserted bigint not null default 0,
    add column if not exists updated bigint not null default 0,
    add column if not exists duplicates bigint not null default 0,
    add column if not exists rejected bigint not null default 0,
    add column if not exists conflicts bigint not null default 0;

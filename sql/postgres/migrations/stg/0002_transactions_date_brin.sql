-- stg.transactions by day: a BRIN index replaces the B-tree of 0001.
-- The marts read whole days (`transaction_date between $1 and $2`), and rows
-- land in time order (a load chunk is a slice of the feed), so a block-range
-- summary finds a day's pages as well as a B-tree does (measured: same CPU per
-- day) while costing almost nothing to keep: the B-tree took 0.6–0.8 µs of
-- PostgreSQL CPU per loaded row, a sixth of the load's COPY.
-- autosummarize: autovacuum summarises each block range as soon as it fills;
-- ranges not yet summarised are always scanned, so results never depend on it.
drop index if exists stg.transactions_date_idx;

create index if not exists transactions_date_brin
    on stg.transactions using brin (transaction_date)
    with (pages_per_range = 32, autosummarize = on);

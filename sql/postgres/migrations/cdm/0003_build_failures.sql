-- Days whose build the warehouse refused for their data (SQLSTATE class 22
-- data exception, 54 program limit, 23 integrity: e.g. a sum past a
-- numeric column's precision). Retrying the same day fails the same way, so
-- build-marts records the day here, consumes its queue rows and goes on with
-- the other days; the day's marts keep their last successful build. The next
-- successful build of the day deletes its row (docs/marts.md).
create table if not exists cdm.build_failures (
    date_update date        not null primary key,
    sqlstate    text        not null,
    detail      text        not null,   -- the warehouse's message, at most 1,000 characters
    failed_at   timestamptz not null
);

-- The lock a build-marts run holds from its start to its end (LOCK TABLE …
-- IN EXCLUSIVE MODE in a transaction of its own): runs serialise, while the
-- days of one run are built by several transactions at once. No rows.
create table if not exists cdm.build_lock (
    id integer primary key
);

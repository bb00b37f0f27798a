-- Held by a build-marts run, in a transaction of its own, until the run ends;
-- same meaning as sql/postgres/mart_build_lock.sql.
lock table cdm.build_lock in exclusive mode

-- Held by a build-marts run, in a transaction of its own, until the run ends:
-- two runs would otherwise rebuild neighbouring days at once and each read the
-- other's day before it committed (the drivers read the previous day).
lock table cdm.build_lock in exclusive mode

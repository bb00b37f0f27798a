-- Serialises mart builds: two builds of one day at once would each delete
-- what the other has not committed yet and insert twice.
lock table cdm.build_days in exclusive mode

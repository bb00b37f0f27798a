-- Serialises mart builds: two builds of one day at once would each delete
-- what the other has not committed yet and insert twice. Readers are not blocked.
lock table cdm.build_days in exclusive mode

-- Serialises loaders: held until the chunk's transaction ends. Readers of
-- stg.load_state (monitoring, marts) are not blocked.
lock table stg.load_state in exclusive mode

-- Serialises loaders until the chunk's transaction ends.
lock table stg.load_state in exclusive mode

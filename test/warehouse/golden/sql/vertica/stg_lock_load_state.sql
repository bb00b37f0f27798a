lock table stg.load_state in exclusive mode

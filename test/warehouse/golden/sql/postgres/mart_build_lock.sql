lock table cdm.build_lock in exclusive mode

-- First statement of build-marts --verify's transaction: the fold and the
-- comparison after it read one snapshot, so a load committing between them
-- cannot show up as a difference.
set transaction isolation level repeatable read

-- stg.transaction_conflicts' declared key (not enforced) gains the other
-- version's incarnation; the same two steps and the same caveat as 0004.
alter table stg.transaction_conflicts drop constraint C_PRIMARY;
alter table stg.transaction_conflicts add constraint transaction_conflicts_pkey primary key (operation_id, status, other_incarnation, other_partition, other_offset);

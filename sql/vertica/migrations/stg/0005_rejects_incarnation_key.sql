-- stg.rejects' declared key (not enforced) gains the incarnation; the same
-- two steps and the same caveat as 0004.
alter table stg.rejects drop constraint C_PRIMARY;
alter table stg.rejects add constraint rejects_pkey primary key (src_topic, src_incarnation, src_partition, src_offset);

-- Advances a watermark in the transaction of the rows it covers, and adds
-- what the chunk's records became to the partition's counters (parameters:
-- topic, incarnation, partition, next offset to load, records read,
-- inserted, updated, duplicates, rejected, conflicts).
{{ upsert(stg.load_state, key topic, key incarnation, key partition, set next_offset, now updated_at, add records_read, add inserted, add updated, add duplicates, add rejected, add conflicts) }}

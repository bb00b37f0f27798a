-- Retention: deletes landed records of one (topic, partition) that STG has
-- already loaded ("offset" below the warehouse watermark $3) and that landed
-- more than $4 days ago. A record not yet loaded is never deleted.
delete from raw.kafka_messages
where
    topic = $1
    and partition = $2
    and "offset" < $3
    and ingested_at < now() - make_interval(days => $4)

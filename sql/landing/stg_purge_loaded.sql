-- Retention: deletes landed records of one (topic, incarnation, partition)
-- that STG has already loaded ("offset" below the warehouse watermark $4) and
-- that landed more than $5 days ago. A record not yet loaded is never deleted.
delete from raw.kafka_messages
where
    topic = $1
    and incarnation = $2
    and partition = $3
    and "offset" < $4
    and ingested_at < now() - make_interval(days => $5)

-- Reconciliation: how many landed records the landing zone holds in a chunk's
-- offset range ($1 topic, $2 partition, $3 first and $4 last offset, inclusive).
select count(*)::bigint as landed
from raw.kafka_messages
where
    topic = $1
    and partition = $2
    and "offset" between $3 and $4

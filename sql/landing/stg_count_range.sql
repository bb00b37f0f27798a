-- Reconciliation: how many landed records the landing zone holds in a chunk's
-- offset range ($1 topic, $2 incarnation, $3 partition, $4 first and $5 last
-- offset, inclusive).
select count(*)::bigint as landed
from raw.kafka_messages
where
    topic = $1
    and incarnation = $2
    and partition = $3
    and "offset" between $4 and $5

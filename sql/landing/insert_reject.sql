-- A record PostgreSQL refused for raw.kafka_messages (a data or program-limit
-- error of its row), quarantined in the transaction that advances the group's
-- offsets past it, with what of its bytes could be kept (migration 0002).
-- $1 topic, $2 partition, $3 offset, $4 reason, $5 sqlstate, $6 detail,
-- $7 key, $8 value, $9 value_length, $10 headers, $11 kafka_timestamp_ms
insert into raw.landing_rejects (
    topic,
    partition,
    "offset",
    reason,
    sqlstate,
    detail,
    key,
    value,
    value_length,
    headers,
    kafka_timestamp_ms
)
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)

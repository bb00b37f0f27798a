-- A record PostgreSQL refused for raw.kafka_messages (a data or program-limit
-- error of its row), quarantined in the transaction that advances the group's
-- offsets past it, with what of its bytes could be kept (migration 0002).
-- $1 topic, $2 incarnation, $3 partition, $4 offset, $5 reason, $6 sqlstate,
-- $7 detail, $8 key, $9 value, $10 value_length, $11 headers,
-- $12 kafka_timestamp_ms
insert into raw.landing_rejects (
    topic,
    incarnation,
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
values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)

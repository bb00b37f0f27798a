-- Opens the next incarnation of a topic (an operator's --on-offset-reset):
-- $1 topic, $2 the new incarnation (the current one + 1), $3 Kafka's topic id,
-- $4 reason ('topic_recreated' or 'log_truncated'), $5 reset_to ('earliest'
-- or 'latest'), $6 the consumer group. Returns nothing when another ingester
-- opened that incarnation first (the caller then reads what it decided).
insert into raw.topic_incarnations (topic, incarnation, topic_id, reason, reset_to, opened_by)
values ($1, $2, $3, $4, $5, $6)
on conflict (topic, incarnation) do nothing
returning incarnation

-- Incarnation 0 of a topic the landing has never seen: $1 topic, $2 Kafka's
-- topic id (null when the broker has none), $3 the consumer group. Two
-- ingesters starting together both run it; one row results.
insert into raw.topic_incarnations (topic, incarnation, topic_id, reason, opened_by)
values ($1, 0, $2, 'first_seen', $3)
on conflict (topic, incarnation) do nothing

-- Records Kafka's topic id for an incarnation whose rows landed before ids
-- were recorded (migration 0003): $1 topic, $2 incarnation, $3 topic id.
-- Only an unknown id is filled in; a known one is never overwritten.
update raw.topic_incarnations
set topic_id = $3
where
    topic = $1
    and incarnation = $2
    and topic_id is null
